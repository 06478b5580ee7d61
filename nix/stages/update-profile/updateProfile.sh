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
exec "$helper" lock --llvm-profdata "$llvmProfdata" --lock-file "\$lock" --package "$pname" --toolchain "$toolchainId" \\
  --profile "$profile" --name "$lockName" ${workloadArgs[*]@Q}
SCRIPT
chmod +x "$out/bin/update-profile"
