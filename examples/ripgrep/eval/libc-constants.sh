# Evaluation (held out from training): libc's bindings (constants and extern functions
# for every platform), one search thread (-j1, so that instruction counts are exact).
cd "$PGO_INPUTS/libc"
rg -j1 -c 'pub const [A-Z0-9_]+: [a-z_0-9]+ = 0x[0-9a-fA-F]+;' . | sort
rg -j1 -c -w -e 'c_int' -e 'c_long' -e 'size_t' . | sort
rg -j1 -o -N 'pub fn [a-z_0-9]+' . | sort | uniq -c | sort -rn | sed -n 1,50p
