# time-training [--rounds N] [--runs N] [--out DIR]: wall and CPU time of ripgrep's
# training workloads (all of train/*.sh, one after another, as the profile stages run
# them) with the baseline and with each instrumented binary first on PATH. Each round is
# ONE hyperfine invocation running every variant (--runs N each, after one warmup), the
# variants' order rotated from round to round; what is compared is each variant's time
# divided by the baseline's of the same round. Writes DIR/round-<i>.json (hyperfine's)
# and DIR/summary.json, and prints the ratios' median, min and max over the rounds.
# (Prefixed by timing.sh with variantNames, variantPaths, trainScripts, inputNames,
# inputPaths and rotatedRounds, the path of ../lib/rotatedRounds.sh.)
set -euo pipefail
export LC_ALL=C
# shellcheck source=../lib/rotatedRounds.sh
source "$rotatedRounds"
parseRoundOptions "$@"
# shellcheck disable=SC2034 # read by rotatedRounds
read -r -a names <<<"$variantNames"
read -r -a paths <<<"$variantPaths"
read -r -a inNames <<<"$inputNames"
read -r -a inPaths <<<"$inputPaths"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/inputs"
for i in "${!inNames[@]}"; do ln -s "${inPaths[$i]}" "$work/inputs/${inNames[$i]}"; done

# $work/train BIN: every training workload with BIN first on PATH, in the environment the
# profile stage gives them; an instrumented binary writes its .profraw files (part of the
# cost of training) to a directory emptied before each run.
cat >"$work/train" <<SCRIPT
#!$BASH
set -euo pipefail
export PATH=\$1:\$PATH PGO_INPUTS=$work/inputs HOME=$work/home TMPDIR=$work/tmp
export LLVM_PROFILE_FILE=$work/profraw/%m_%p.profraw TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8
rm -rf $work/profraw $work/tmp && mkdir -p $work/profraw $work/tmp $work/home
for script in $trainScripts; do (cd $work && "$BASH" -euo pipefail "\$script" >/dev/null); done
SCRIPT
chmod +x "$work/train"

commands=()
for p in "${paths[@]}"; do commands+=("$work/train $p/bin"); done
rotatedRounds names commands

# Per round: each variant's mean wall time and user+system CPU time over the baseline's.
jq -s '
  map(.results | map({key: .command, value: {wall: .mean, cpu: ((.user + .system) / 1), user: .user}}) | from_entries)
  | . as $rounds
  | ($rounds[0] | keys_unsorted) as $variants
  | def stats: sort | {median: (if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end), min: min, max: max};
    { rounds: ($rounds | length),
      variants: ($variants | map({key: ., value: {
        wall_ratio: ([$rounds[] as $x | $x[.].wall / $x.baseline.wall] | stats),
        user_ratio: ([$rounds[] as $x | $x[.].user / $x.baseline.user] | stats),
        wall_seconds: ([$rounds[] as $x | $x[.].wall] | stats)
      }}) | from_entries) }' "$out"/round-*.json >"$out/summary.json"
jq -r '.variants | to_entries[] | "\(.key): wall x\(.value.wall_ratio.median * 100 | round / 100) (\(.value.wall_ratio.min * 100 | round / 100)-\(.value.wall_ratio.max * 100 | round / 100)), user CPU x\(.value.user_ratio.median * 100 | round / 100) (\(.value.user_ratio.min * 100 | round / 100)-\(.value.user_ratio.max * 100 | round / 100))"' "$out/summary.json"
