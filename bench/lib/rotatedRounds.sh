# shellcheck shell=bash
# What the time-training scripts of the studies (bench/training-cost, bench/ripgrep-sampling)
# share: their options, and rounds of hyperfine whose command order rotates from round to
# round, so that no command always runs first (or right after a given one) on a machine whose
# speed drifts. Sourced by those scripts.

# parseRoundOptions ARGS...: --rounds N (default 5), --runs N (each command's runs per round,
# default 2) and --out DIR (default time-training; made absolute) into rounds, runs and out.
parseRoundOptions() {
  rounds=5 runs=2 out=time-training
  while (($#)); do
    case $1 in
      --rounds) rounds=$2; shift 2 ;;
      --runs) runs=$2; shift 2 ;;
      --out) out=$2; shift 2 ;;
      *) echo "usage: time-training [--rounds N] [--runs N] [--out DIR]" >&2; exit 2 ;;
    esac
  done
  command -v hyperfine >/dev/null || { echo "time-training: hyperfine is not on PATH" >&2; exit 1; }
  mkdir -p "$out"
  out=$(cd "$out" && pwd)
}

# rotatedRounds NAMES COMMANDS [HYPERFINE-OPTION...]: $rounds hyperfine invocations, each
# running every command of the arrays named NAMES and COMMANDS (--runs $runs after one
# warmup) starting one further along each round; round r's results in $out/round-<r>.json.
rotatedRounds() {
  local -n rrNames=$1 rrCommands=$2
  shift 2
  local r k j cmds
  for ((r = 0; r < rounds; r++)); do
    cmds=()
    for ((k = 0; k < ${#rrNames[@]}; k++)); do
      j=$(((k + r) % ${#rrNames[@]}))
      cmds+=(-n "${rrNames[$j]}" "${rrCommands[$j]}")
    done
    echo "time-training: round $((r + 1)) of $rounds" >&2
    hyperfine --style basic --warmup 1 --runs "$runs" "$@" --export-json "$out/round-$r.json" "${cmds[@]}" >&2
  done
}
