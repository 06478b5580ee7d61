# time-training [--rounds N] [--runs N] [--out DIR]: wall and CPU time of linecount's
# training workload (counting the lines of the training tree) with the released binary
# and with the instrumented ones run in each way compared. Each round is ONE hyperfine
# invocation running every command (--runs N each, after one warmup), their order rotated
# from round to round; what is compared is each command's time divided by the released
# binary's of the same round. An instrumented run writes its .profraw file (part of the
# cost of training) to a directory emptied before each run. Writes DIR/round-<i>.json
# (hyperfine's) and DIR/summary.json, and prints the ratios' median, min and max over the
# rounds. (Prefixed by default.nix with released, plain, atomic, pin, tree and
# rotatedRounds, the path of ../lib/rotatedRounds.sh.)
set -euo pipefail
export LC_ALL=C
# shellcheck source=../lib/rotatedRounds.sh disable=SC2154 # rotatedRounds: see above
source "$rotatedRounds"
parseRoundOptions "$@"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LLVM_PROFILE_FILE=$work/profraw/%m_%p.profraw

# shellcheck disable=SC2034 # read by rotatedRounds
names=(released released-pinned plain plain-pinned plain-threads1 atomic atomic-pinned)
# shellcheck disable=SC2034 # read by rotatedRounds
commands=(
  "$released $tree"
  "$pin $released $tree"
  "$plain $tree"
  "$pin $plain $tree"
  "env LINECOUNT_THREADS=1 $plain $tree"
  "$atomic $tree"
  "$pin $atomic $tree"
)
echo "time-training: $(nproc) CPUs; tree $tree ($(du -sh -L "$tree" | cut -f1))" >&2
rotatedRounds names commands --prepare "rm -rf $work/profraw"

# Per round: each command's mean wall time and user+system CPU time over the released
# binary's.
jq -s '
  map(.results | map({key: .command, value: {wall: .mean, cpu: (.user + .system)}}) | from_entries)
  | . as $rounds
  | ($rounds[0] | keys_unsorted) as $names
  | def stats: sort | {median: (if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end), min: min, max: max};
    { rounds: ($rounds | length),
      commands: ($names | map({key: ., value: {
        wall_ratio: ([$rounds[] as $x | $x[.].wall / $x.released.wall] | stats),
        cpu_ratio: ([$rounds[] as $x | $x[.].cpu / $x.released.cpu] | stats),
        wall_seconds: ([$rounds[] as $x | $x[.].wall] | stats)
      }}) | from_entries) }' "$out"/round-*.json >"$out/summary.json"
jq -r --argjson order "$(printf '%s\n' "${names[@]}" | jq -R . | jq -s .)" '
  def r: . * 100 | round / 100;
  .commands as $c | $order[] | . as $n | $c[$n] |
  "\($n): wall \(.wall_seconds.median | r) s, x\(.wall_ratio.median | r) (\(.wall_ratio.min | r)-\(.wall_ratio.max | r)); CPU x\(.cpu_ratio.median | r) (\(.cpu_ratio.min | r)-\(.cpu_ratio.max | r))"' "$out/summary.json"
