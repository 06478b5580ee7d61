# Training: rhai's example scripts (all but the four held out) compiled to Grain bytecode
# and disassembled, as a user who trains the build of their scripts would; `rhai-run` runs
# one line (BOLT needs a profile of every binary). The interpreter that runs scripts is
# barely reached in training.
scripts=$PGO_INPUTS/rhai-scripts/scripts
for f in "$scripts"/*.rhai; do
  case ${f##*/} in
    mat_mul.rhai | speed_test.rhai | for3.rhai | oop.rhai) continue ;; # held out (eval/)
  esac
  cp "$f" .
done
chmod u+w ./*.rhai
echo 'print(40 + 2);' >answer.rhai
# rhai-run reports a script's error on stderr and still exits 0: any stderr fails the run.
{
  for f in ./*.rhai; do
    grain-compile "$f" "${f%.rhai}.rgrn"
    grain-dump "${f%.rhai}.rgrn"
  done
  rhai-run answer.rhai
} >/dev/null 2>errors
if [ -s errors ]; then cat errors >&2 && exit 1; fi
