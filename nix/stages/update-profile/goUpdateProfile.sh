# shellcheck shell=bash
# Writes $out/bin/$command (update-profile or update-choice), a script with this build's
# paths baked in.
# shellcheck disable=SC2154 # the attributes come from .attrs.sh
mkdir -p "$out/bin"
# What the training workloads are made of, for the lock entry (nix-pgo lock
# --training-workloads): store paths, which this output then keeps.
if [ -n "$trainingSources" ]; then
  mkdir -p "$out/share/nix-pgo"
  printf '%s\n' "$trainingSources" >"$out/share/nix-pgo/training-workloads.json"
  workloadArgs+=(--training-workloads "$out/share/nix-pgo/training-workloads.json")
fi
cat >"$out/bin/$command" <<SCRIPT
#!$BASH
# $purpose: $pname (toolchain $toolchainId).
set -euo pipefail
usage="usage: $command [LOCK_FILE [DEFAULT_PGO]]  (default $lockPath and $defaultPgoPath, relative to this directory): $purpose."
case \${1-} in
  -h | --help) echo "\$usage"; exit 0 ;;
  -*) echo "$command: unknown option \$1; \$usage" >&2; exit 2 ;;
esac
lock=\${1:-$lockPath}
pgo=\${2:-$defaultPgoPath}
mkdir -p "\$(dirname "\$lock")" "\$(dirname "\$pgo")"
# The paths are relative to where this runs; where the package reads them is lockSource.
abs() { case \$1 in /*) echo "\$1" ;; *) echo "\$PWD/\${1#./}" ;; esac; }
# What changed, to commit: a default.pgo that already has the bytes is left alone
# (update-choice keeps it), and the lock is compared with what it was.
wrote=()
if ! cmp -s "$profile/$pname.pgo" "\$pgo"; then
  install -m 644 "$profile/$pname.pgo" "\$pgo"
  wrote+=("\$(abs "\$pgo")")
fi
before=\$(mktemp)
trap 'rm -f "\$before"' EXIT
[ ! -e "\$lock" ] || cp "\$lock" "\$before"
"$helper" lock --lock-file "\$lock" --package "$pname" --toolchain "$toolchainId" \\
  --profile "$profile" --name "$lockName" ${workloadArgs[*]@Q}
cmp -s "\$lock" "\$before" || wrote+=("\$(abs "\$lock")")
if [ \${#wrote[@]} -eq 0 ]; then
  echo "$command: \$(abs "\$pgo") and \$(abs "\$lock") already held this: nothing to commit." >&2
else
  printf -v list '%s and ' "\${wrote[@]}"
  echo "$command: wrote \${list% and }; $pname reads its lock from "${lockSource@Q}". Commit the files (in a git flake, git add them first: Nix sees only files git knows; git add -f if the project's .gitignore ignores them, e.g. *.json)." >&2
fi
SCRIPT
chmod +x "$out/bin/$command"
