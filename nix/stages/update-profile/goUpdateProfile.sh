# shellcheck shell=bash
# Writes $out/bin/$command (update-profile or update-choice), a script with this build's
# paths baked in.
# shellcheck disable=SC2154 # the attributes come from .attrs.sh
# shellcheck source=lockScript.sh
source "$lockScript"
mkdir -p "$out/bin"
lock_script_training
{
  lock_script_header "[LOCK_FILE [DEFAULT_PGO]]  (default $lockPath and $defaultPgoPath, relative to this directory)"
  lock_script_root_check "paths, $lockPath and $defaultPgoPath, are" "LOCK_FILE DEFAULT_PGO"
  cat <<SCRIPT
lock=\${1:-$lockPath}
pgo=\${2:-$defaultPgoPath}
mkdir -p "\$(dirname "\$lock")" "\$(dirname "\$pgo")"
# A default.pgo that already has the bytes is left alone (update-choice keeps it).
if ! cmp -s "$profile/$pname.pgo" "\$pgo"; then
  # A profile nix-pgo import pulled from production has its provenance beside it.
  if [ -e "\$pgo.provenance.json" ]; then
    echo "$command: warning: \$(abs "\$pgo") was imported (nix-pgo import: \$(abs "\$pgo.provenance.json") is beside it), and is replaced by the profile trained on the workloads. If that is not what you meant, restore both from version control; if it is, delete the provenance, which describes the imported profile." >&2
  fi
  install -m 644 "$profile/$pname.pgo" "\$pgo"
  wrote+=("\$(abs "\$pgo")")
fi
SCRIPT
  # shellcheck disable=SC2119 # no extra arguments for Go's nix-pgo lock
  lock_script_lock
  # shellcheck disable=SC2016 # expanded where the written script runs
  lock_script_summary '$(abs "$pgo") and $(abs "$lock")'
} >"$out/bin/$command"
chmod +x "$out/bin/$command"
