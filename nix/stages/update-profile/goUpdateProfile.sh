# shellcheck shell=bash
# Writes $out/bin/update-profile, a script with this build's paths baked in.
# shellcheck disable=SC2154 # the attributes come from .attrs.sh
mkdir -p "$out/bin"
cat >"$out/bin/update-profile" <<SCRIPT
#!$BASH
# Re-lock the Go profile of $pname (toolchain $toolchainId) from its workloads, and write it
# where go build -pgo=auto looks for it.
set -euo pipefail
lock=\${1:-$lockPath}
pgo=\${2:-$defaultPgoPath}
mkdir -p "\$(dirname "\$lock")" "\$(dirname "\$pgo")"
install -m 644 "$profile/$pname.pgo" "\$pgo"
exec "$helper" lock --lock-file "\$lock" --package "$pname" --toolchain "$toolchainId" \\
  --profile "$profile" --name "$lockName" ${workloadArgs[*]@Q}
SCRIPT
chmod +x "$out/bin/update-profile"
