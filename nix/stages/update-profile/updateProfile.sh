# shellcheck shell=bash
# Writes $out/bin/$command (update-profile or update-choice), a script with this build's
# paths baked in.
# shellcheck disable=SC2154 # the attributes come from .attrs.sh
# shellcheck source=lockScript.sh
source "$lockScript"
mkdir -p "$out/bin"
lock_script_training
{
  lock_script_header "[LOCK_FILE]  (default $defaultLockPath, relative to this directory)"
  lock_script_root_check "path, $defaultLockPath, and the checked-in copies beside it are" "LOCK_FILE"
  cat <<SCRIPT
lock=\${1:-$defaultLockPath}
mkdir -p "\$(dirname "\$lock")"
SCRIPT
  lock_script_lock --llvm-profdata "$llvmProfdata"
  cat <<SCRIPT
# Checked-in copies, beside the lock as in src (pgo.lock.json, pgo/): the package copies
# its locked profiles from them, so they must follow the lock.
dir=\$(dirname "\$lock")
# The commands that would check in the copies that aren't there (paths quoted for a shell).
missing=()
q() { printf %q "\$1"; }
# A copy that already has the bytes is left alone, and said so (update-choice keeps them).
same=()
if [ -n "$profileCopy" ] && cmp -s "$profile/$pname.profdata" "\$dir/$profileCopy"; then
  same+=("\$(abs "\$dir/$profileCopy")")
elif [ -n "$profileCopy" ] && [ -e "\$dir/$profileCopy" ]; then
  # A reviewer's question when the copy changes: by how much. (A multithreaded program's
  # training, rerun, gives a profile that differs by its noise.)
  if [ -s "\$dir/$profileCopy" ]; then
    echo "$command: the new profile against the checked-in one:" >&2
    "$helper" diff --llvm-profdata "$llvmProfdata" --top 5 "\$dir/$profileCopy" "$profile/$pname.profdata" >&2 || true
  fi
  install -m 644 "$profile/$pname.profdata" "\$dir/$profileCopy"
  wrote+=("\$(abs "\$dir/$profileCopy")")
elif [ -n "$profileCopy" ]; then
  missing+=("mkdir -p \$(q "\$(dirname "\$dir/$profileCopy")") && install -m 644 $profile/$pname.profdata \$(q "\$dir/$profileCopy")")
fi
if [ -n "$boltProfileCopy" ] && [ -d "\$dir/$boltProfileCopy" ] && diff -r -q "$boltProfile" "\$dir/$boltProfileCopy" >/dev/null 2>&1; then
  same+=("\$(abs "\$dir/$boltProfileCopy")")
elif [ -n "$boltProfileCopy" ] && [ -e "\$dir/$boltProfileCopy" ]; then
  rm -rf "\$dir/$boltProfileCopy"
  cp -r --no-preserve=mode "$boltProfile" "\$dir/$boltProfileCopy"
  wrote+=("\$(abs "\$dir/$boltProfileCopy")")
elif [ -n "$boltProfileCopy" ]; then
  missing+=("mkdir -p \$(q "\$(dirname "\$dir/$boltProfileCopy")") && cp -r --no-preserve=mode $boltProfile \$(q "\$dir/$boltProfileCopy")")
fi
[ \${#same[@]} -eq 0 ] || echo "$command: \$(joined "\${same[@]}"): already as locked, left as they are." >&2
SCRIPT
  # shellcheck disable=SC2016 # expanded where the written script runs
  lock_script_summary '$(abs "$lock")'
  cat <<SCRIPT
[ -z "$copyNote" ] || echo "$command: "${copyNote@Q} >&2
if [ \${#missing[@]} -gt 0 ]; then
  # Not made unasked: a project may share its locked profiles through a binary cache.
  echo "$command: checked-in copies missing beside the lock. A store without the locked profiles (another machine, a CI runner without your binary cache) rebuilds them from the workloads, and where the training of a program that starts threads gives other bytes, the lock refuses them. To check them in (update-profile rewrites them from then on):" >&2
  printf '  %s\\n' "\${missing[@]}" >&2
fi
SCRIPT
} >"$out/bin/$command"
chmod +x "$out/bin/$command"
