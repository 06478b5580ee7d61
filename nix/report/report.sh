# shellcheck shell=bash
# Writes $out/report-data.json (see report.nix) from each program's outputs, and
# $out/bin/report, which times the workloads with it (nix-pgo report). The programs are a
# nested structured attribute, which only .attrs.json holds: the helper reads it.
mkdir -p "$out/bin"
data=$out/report-data.json
"$helper" report-data --attrs "$NIX_BUILD_TOP/.attrs.json" -o "$data"
# Parses and checks it now, not after `nix run` has started timing.
"$helper" report --check-data --data "$data"

cat >"$out/bin/report" <<SCRIPT
#!$BASH
# Time baseline, optimized and bolted on the evaluation workloads and write the report
# (nix-pgo report --help): e.g. \`report --out bench-results\`.
exec "$helper" report --data "$data" "\$@"
SCRIPT
chmod +x "$out/bin/report"
