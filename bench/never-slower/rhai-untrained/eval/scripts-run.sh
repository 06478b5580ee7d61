# Evaluation, held out from training: the four example scripts training doesn't compile
# (matrix multiplication, a counting loop, closures in a loop, objects of maps and
# closures), run by the tree-walking interpreter and by the bytecode VM: code training
# barely reached. Run times are filtered out of the output.
scripts=$PGO_INPUTS/rhai-scripts/scripts
cp "$scripts"/mat_mul.rhai "$scripts"/speed_test.rhai "$scripts"/for3.rhai "$scripts"/oop.rhai .
chmod u+w ./*.rhai
sed -i 's/^const SIZE = 50;/const SIZE = 20;/' mat_mul.rhai
echo 'print(`sum of c: ${c.reduce(|s, row| s + row.reduce(|t, x| t + x, 0.0), 0.0)}`);' >>mat_mul.rhai
sed -i 's/^let x = 1_000_000;/let x = 100_000;/' speed_test.rhai
for f in mat_mul speed_test for3 oop; do
  echo "== $f"
  rhai-run "$f.rhai"
  grain-compile "$f.rhai" "$f.rgrn" >/dev/null
  rhai-run "$f.rgrn"
done 2>&1 | grep -v -i 'time = '
