# shellcheck shell=bash
# Writes $out/bin/update-profile, a script with this build's paths baked in.
mkdir -p "$out/bin"
cat >"$out/bin/update-profile" <<SCRIPT
#!$BASH
# Re-lock the profile of $pname (toolchain $toolchainId) from its workloads.
set -euo pipefail
usage="usage: update-profile [LOCK_FILE]  (default $defaultLockPath, relative to this directory)"
case \${1-} in
  -h | --help) echo "\$usage"; exit 0 ;;
  -*) echo "update-profile: unknown option \$1; \$usage" >&2; exit 2 ;;
esac
lock=\${1:-$defaultLockPath}
mkdir -p "\$(dirname "\$lock")"
"$helper" lock --llvm-profdata "$llvmProfdata" --lock-file "\$lock" --package "$pname" --toolchain "$toolchainId" \\
  --profile "$profile" --name "$lockName" ${workloadArgs[*]@Q}
# The path is relative to where this runs; the package reads its lock from src.
abs() { case \$1 in /*) echo "\$1" ;; *) echo "\$PWD/\${1#./}" ;; esac; }
wrote=\$(abs "\$lock")
# Checked-in copies, beside the lock as in src (pgo.lock.json, pgo/): the package copies
# its locked profiles from them, so they must follow the lock.
dir=\$(dirname "\$lock")
if [ -n "$profileCopy" ] && [ -e "\$dir/$profileCopy" ]; then
  install -m 644 "$profile/$pname.profdata" "\$dir/$profileCopy"
  wrote+=" and \$(abs "\$dir/$profileCopy")"
fi
if [ -n "$boltProfileCopy" ] && [ -e "\$dir/$boltProfileCopy" ]; then
  rm -rf "\$dir/$boltProfileCopy"
  cp -r --no-preserve=mode "$boltProfile" "\$dir/$boltProfileCopy"
  wrote+=" and \$(abs "\$dir/$boltProfileCopy")"
fi
echo "update-profile: wrote \$wrote; $pname reads its lock from "${lockSource@Q}". Commit the files (in a git flake, git add them first: Nix sees only files git knows; git add -f if the project's .gitignore ignores them, e.g. *.json)." >&2
SCRIPT
chmod +x "$out/bin/update-profile"
