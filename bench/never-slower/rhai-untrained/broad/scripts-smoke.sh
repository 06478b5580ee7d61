# Broad (used only by the optimized-broad repair, at a low weight): a smoke test of every
# way to run a script, on a few of the training scripts (never the held-out ones): the
# tree-walking interpreter, the compiler, the disassembler and the bytecode VM.
scripts=$PGO_INPUTS/rhai-scripts/scripts
for f in array assignment function_decl1 if1 loop op1 string switch while; do
  cp "$scripts/$f.rhai" .
done
chmod u+w ./*.rhai
{
  for f in ./*.rhai; do
    rhai-run "$f"
    grain-compile "$f" "${f%.rhai}.rgrn"
    grain-dump "${f%.rhai}.rgrn"
    rhai-run "${f%.rhai}.rgrn"
  done
} >/dev/null 2>errors
if [ -s errors ]; then cat errors >&2 && exit 1; fi
