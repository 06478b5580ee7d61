# Evaluation (held out from training): the four example scripts of rhai 1.8.0's scripts/
# that no training workload runs: matrix multiplication in floating point (mat_mul), a
# counting loop (speed_test), closures created and called in a loop (for3) and objects
# built from maps and closures with `this` (oop). Each is run by the tree-walking
# interpreter, compiled to Grain bytecode, disassembled and run by the bytecode VM. The
# scripts' run-time lines print a fixed text instead of the clock (reading it takes
# time-dependent branches, so the counts would vary from run to run); mat_mul gets a last
# line printing the sum of its result (it prints nothing else), and the two benchmarks are
# scaled down for callgrind.
scripts=$PGO_INPUTS/rhai-scripts/scripts
cp "$scripts"/mat_mul.rhai "$scripts"/speed_test.rhai "$scripts"/for3.rhai "$scripts"/oop.rhai .
chmod u+w ./*.rhai
sed -i 's/^const SIZE = 50;/const SIZE = 30;/' mat_mul.rhai
echo 'print(`sum of c: ${c.reduce(|s, row| s + row.reduce(|t, x| t + x, 0.0), 0.0)}`);' >>mat_mul.rhai
sed -i 's/^let x = 1_000_000;/let x = 200_000;/' speed_test.rhai
sed -i 's/${now\.elapsed}/(not timed)/' ./*.rhai
for f in mat_mul speed_test for3 oop; do
  echo "== $f"
  rhai-run "$f.rhai"
  grain-compile "$f.rhai" "$f.rgrn"
  grain-dump "$f.rgrn"
  rhai-run "$f.rgrn"
done 2>&1
