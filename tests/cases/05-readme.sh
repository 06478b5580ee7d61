# shellcheck shell=bash
# The README's examples, as written, on a program nix-pgo has never seen
# (tests/fixtures/my-tool: fat LTO, stripped, a hyphen in its name), in a flake of its own
# with path inputs. Only `nix-pgo.lib.forPkgs …` becomes `nix-pgo.lib.host` (nixpkgs can't be
# fetched here) and the nix-pgo URL the checkout; nixpkgs is the stand-in. Its evaluation
# workload runs more than 2^32 instructions: counts must come out exact.

# readme_block NAME: the nix code block after `<!-- readme-test: NAME -->` in README.md.
readme_block() {
  awk -v marker="<!-- readme-test: $1 -->" '
    $0 == marker { found = 1; next }
    found && /^```nix$/ { inside = 1; next }
    inside && /^```$/ { exit }
    inside { print }' README.md
}

# my_tool_project DIR: the user's project: my-tool's source, pgo/{train,eval}/*.sh and a
# pgo/testdata/ directory of generated text (1 MB), committed to git as a user's flake is.
my_tool_project() {
  local dir=$1 repo=$PWD
  mkdir -p "$dir/pgo/train" "$dir/pgo/eval" "$dir/pgo/testdata"
  cp -r tests/fixtures/my-tool/Cargo.toml tests/fixtures/my-tool/Cargo.lock tests/fixtures/my-tool/src "$dir/"
  python3 - "$dir/pgo/testdata/text one.txt" <<'PY'
import random, sys
random.seed(1)
words = ["".join(random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(random.randint(2, 9))) for _ in range(3000)]
lines = (" ".join(random.choice(words) for _ in range(random.randint(3, 12))) + random.choice([".", ",", "!", "?", " 42", " 3.14", ""]) for _ in range(20000))
open(sys.argv[1], "w").write("\n".join(lines))
PY
  cat >"$dir/pgo/train/words.sh" <<'SH'
my-tool "$PGO_INPUTS/corpus/text one.txt"
SH
  # 45 rounds of 1 MB: about 5.2 billion instructions for baseline and 4.8 billion for
  # bolted, the fastest, above 2^32.
  cat >"$dir/pgo/eval/long-run.sh" <<'SH'
my-tool --rounds 45 "$PGO_INPUTS"/corpus/*.txt
SH
  readme_block flake |
    sed -e 's|nix-pgo.lib.forPkgs nixpkgs.legacyPackages.${system}|nix-pgo.lib.host|' \
      -e "s|git+https://example.org/nix-pgo|git+file://$repo|" >"$dir/flake.nix"
  grep -q 'nix-pgo.lib.host' "$dir/flake.nix" || fail "the README's example no longer calls nix-pgo.lib.forPkgs as this test expects"
  grep -q "git+file://$repo" "$dir/flake.nix" || fail "the README's example no longer has the nix-pgo URL this test expects"
  git -C "$dir" init -q
  git -C "$dir" add -A
}

# In the user's flake: --impure for lib.host, the stand-in nixpkgs for the input it follows.
# user_nix DIR SUBCOMMAND ARGS...: the options go before ARGS, which may hold `--` (nix run).
user_nix() {
  local dir=$1 subcommand=$2
  shift 2
  (cd "$dir" && nix "$subcommand" --impure --override-input nixpkgs "path:$OLDPWD/tests/fixtures/stub-nixpkgs" "$@")
}

test_readme_example_builds_checks_and_reports_on_a_foreign_program() {
  local dir shipped evaluation
  dir=$(mktemp -d)
  my_tool_project "$dir"
  shipped=$(user_nix "$dir" build --no-link --json .#default -L | jq -r '.[0].outputs.out')
  # The README ships best: a variant it chose among its candidates, and that one's binary.
  jq -e '.chosen as $c | any(.candidates[]; .variant == $c)' "$shipped/nix-support/choice.json" >/dev/null ||
    fail "the README's default is not best's choice (nix-support/choice.json)"
  "$shipped/bin/my-tool" "$dir/pgo/testdata/text one.txt" >"$dir/my-tool.out"
  head -n 1 "$dir/my-tool.out"
  evaluation=$(user_nix "$dir" build --no-link --json .#checks.x86_64-linux.my-tool-evaluation -L | jq -r '.[0].outputs.out')
  cat "$evaluation/evaluation.json"
  jq -e '.workloads | map(.workload) == ["long-run"]' "$evaluation/evaluation.json" >/dev/null ||
    fail "the evaluation does not hold the workload long-run"
  # Counts are exact integers above 2^32, equal to the totals callgrind wrote itself
  # (each process's `totals:` line, kept by the evaluation: one process here).
  python3 - "$evaluation" "$(user_nix "$dir" eval --raw .#checks.x86_64-linux.my-tool-evaluation.workloads.long-run.outPath)" <<'PY' ||
import json, pathlib, sys
summary, run = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
evaluation = json.loads((summary / "evaluation.json").read_text(), parse_float=lambda s: sys.exit(f"float in evaluation.json: {s}"))
for workload in evaluation["workloads"]:
    for variant, result in workload["variants"].items():
        count = result["instructions"]
        assert isinstance(count, int), (variant, count)
        assert count > 2**32, f"{variant}: {count} is not above 2^32"
        lines = (run / "callgrind-totals" / f"{variant}.txt").read_text().split("\n")
        totals = sum(int(line.split()[1]) for line in lines if line.startswith("totals:"))
        assert count == totals, f"{variant}: {count} in evaluation.json, callgrind's totals {totals}"
        print(f"{variant}: {count} instructions, callgrind's totals {totals}")
PY
    fail "the evaluation's counts are not callgrind's totals"
  # The regression check's verdict is what the exact counts say: it fails, naming the
  # variant and the workload, exactly when a variant executed more instructions or
  # estimated cycles.
  local regressed
  regressed=$(jq -r '.workloads[] | .variants.baseline as $b | .variants | to_entries[]
    | select(.value.instructions > $b.instructions or .value.estimated_cycles > $b.estimated_cycles) | .key' "$evaluation/evaluation.json")
  if [ -z "$regressed" ]; then
    user_nix "$dir" build --no-link .#checks.x86_64-linux.my-tool-no-regression -L || fail "noRegression failed without a regression"
  else
    echo "regressed: $regressed"
    expect_failure "workload 'long-run': ($(paste -sd'|' <<<"$regressed")) (executes|costs)" user_nix "$dir" build --no-link -L .#checks.x86_64-linux.my-tool-no-regression
  fi
  # The report: every variant timed on the evaluation workload (2 rounds).
  user_nix "$dir" run .#report -- --out "$dir/report" --rounds 2 --warmup 0
  jq -e '[.programs[] | select(.program == "my-tool") | .workloads | length] == [1]' "$dir/report/report.json" >/dev/null ||
    fail "the report has no row for my-tool's workload"
}

test_readme_example_flake_edit_rebuilds_no_stage() {
  # `src = ./.;` holds flake.nix and flake.lock: the user edits them to configure nix-pgo,
  # and an edit must not rebuild baseline or retrain (the cargo stages never see them).
  # Nor an edit of the workloads' data in pgo/testdata, where the README puts it: it
  # reruns the workloads (optimized changes), not the builds of the source.
  local dir attr before after
  dir=$(mktemp -d)
  my_tool_project "$dir"
  for attr in my-tool-baseline my-tool-optimized; do
    before=$(user_nix "$dir" eval --raw ".#packages.x86_64-linux.$attr.drvPath")
    echo "# an edit of the flake" >>"$dir/flake.nix"
    git -C "$dir" add -A
    after=$(user_nix "$dir" eval --raw ".#packages.x86_64-linux.$attr.drvPath")
    [ "$before" = "$after" ] || fail "editing flake.nix changed $attr: $before, then $after"
  done
  before=$(user_nix "$dir" eval --raw ".#packages.x86_64-linux.my-tool-baseline.drvPath")
  echo "one more line" >>"$dir/pgo/testdata/text one.txt"
  git -C "$dir" add -A
  [ "$(user_nix "$dir" eval --raw ".#packages.x86_64-linux.my-tool-baseline.drvPath")" = "$before" ] ||
    fail "editing the workloads' data in pgo/testdata changed baseline"
  rm -rf "$dir"
}

test_readme_wrap_package_example_gives_the_same_stages() {
  local dir snippet wrapped direct
  dir=$(mktemp -d)
  my_tool_project "$dir"
  mkdir -p "$dir/ripgrep"
  cp "$dir/Cargo.lock" "$dir/ripgrep/Cargo.lock"
  snippet=$(readme_block wrapPackage)
  [ -n "$snippet" ] || fail "README.md has no wrapPackage example"
  # A package shaped like buildRustPackage's result (what wrapPackage reads), for my-tool.
  cat >"$dir/wrap.nix" <<NIX
{ pgo }:
let
  pkgs.ripgrep = {
    name = "my-tool-0.1.0";
    pname = "my-tool";
    version = "0.1.0";
    src = ./.;
    buildFeatures = [ ];
    buildNoDefaultFeatures = false;
    cargoBuildFlags = [ ];
    meta.mainProgram = "my-tool";
  };
in
{
$snippet
}
NIX
  git -C "$dir" add -A
  # Evaluated from the project's tracked files in the store, as the flake's own `./.` is.
  wrapped=$(nix eval --impure --raw --expr "
    let
      src = builtins.fetchGit $dir;
      pgo = (builtins.getFlake \"git+file://$PWD\").lib.host;
    in
    (import (src + \"/wrap.nix\") { inherit pgo; }).ripgrep-pgo.best.drvPath")
  direct=$(user_nix "$dir" eval --raw .#default.drvPath)
  [ "$wrapped" = "$direct" ] || fail "wrapPackage's best ($wrapped) is not the README example's default ($direct)"
}
