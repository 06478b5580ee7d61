# shellcheck shell=bash
# Each binary of the bolt input, instrumented by llvm-bolt, into $out/bin.
# shellcheck source=../../internal/bolt/bolt.sh
source "$boltScriptLib"
boltCheckToolchain

mkdir -p "$out/bin"
for bin in $(boltBins); do
  boltInputCopy "$bin"
  # One file name per binary, and the pid appended: every binary and process of a
  # workload writes its own file (BOLT's runtime otherwise overwrites one file).
  boltRun "$bin" "$out/bin/$bin" -instrument \
    --instrumentation-file="$boltProfileDir/$bin" --instrumentation-file-append-pid \
    "${instrumentOptions[@]}"
done
