# shellcheck shell=bash
# Go PGO at evaluation: the Go toolchains (nixpkgs' go refused below 1.21, the host pin),
# the registry's languages, and the Go pipeline's stages, jobs and checks. The builds are
# tests/cases/96-go.sh.

# go_np_eval EXPR-ON-go [STUB-ARGS]: EXPR with `go` = nixpkgs.nix's Go on the stand-in nixpkgs.
go_np_eval() {
  local args=${2:-'{ system = "x86_64-linux"; }'}
  nix eval --impure --raw --expr "
    let
      stub = import ./tests/fixtures/stub-nixpkgs/pkgs.nix $args;
      go = (import ./nix/toolchain/nixpkgs.nix { pkgs = stub; }).go;
    in $1"
}

test_go_nixpkgs_toolchain_is_pkgs_go_and_go_older_than_1_21_is_refused() {
  local id goroot out
  id=$(go_np_eval go.id)
  [[ $id =~ ^nixpkgs-go-1\.27\.3-x86_64-linux-[0-9a-f]{16}$ ]] || fail "unexpected id $id"
  goroot=$(go_np_eval go.goroot)
  [[ $goroot == /nix/store/*-go-1.27.3/share/go ]] || fail "GOROOT is not pkgs.go's share/go: $goroot"
  if out=$(go_np_eval go.id '{ system = "x86_64-linux"; goOverrides = { version = "1.20.14"; }; }' 2>&1); then
    fail "Go 1.20 was accepted"
  fi
  echo "$out"
  echo "$out" | has 'Go 1.20.14.*needs Go >= 1.21' || fail "the refusal doesn't name the versions"
  echo "$out" | has 'go = final.go_1_22' || fail "the refusal doesn't name the fix"
}

test_go_host_toolchain_is_the_pinned_wheel() {
  local id pin
  pin=$(jq -r .sha256 nix/toolchain/hostGo.json)
  [[ $pin =~ ^[0-9a-f]{64}$ ]] || fail "the pin has no sha256"
  id=$(nix eval --impure --raw --expr '(import ./nix/toolchain/hostGo.nix { }).id')
  [[ $id =~ ^host-go-1\.27\.3-[0-9a-f]{16}$ ]] || fail "unexpected id $id"
  # Another wheel than the pinned one: refused, naming setup-host.
  expect_failure 'pins 0000.*scripts/setup-host' nix eval --impure --raw --expr \
    '(import ./nix/toolchain/hostGo.nix { pin = builtins.fromJSON (builtins.readFile ./nix/toolchain/hostGo.json) // { sha256 = "0000"; }; }).id'
}

test_go_pipeline_has_the_registry_stages_of_go() {
  local result registry
  result=$(nix eval --impure --json -f tests/fixtures/go.nix wordfreq --apply builtins.attrNames)
  registry=$(nix eval --json -f nix/stages.nix --apply 'ss: map (s: s.attr) (builtins.filter (s: builtins.elem "go" s.languages) ss)')
  echo "result: $result"
  echo "registry (go): $registry"
  jq -e -n --argjson r "$result" --argjson s "$registry" '($s - $r) == [] and ($r - $s) == ["has", "language", "locked", "override", "profileUseGcflags", "toolchainId", "workloads"]' >/dev/null ||
    fail "buildGoPgoPackage's result and the registry's Go stages disagree"
  echo "$result" | jq -e 'index("instrumented") == null and index("bolted") == null' >/dev/null || fail "a Rust-only stage in the Go pipeline"
}

test_go_jobs_and_checks_come_from_the_registry() {
  local jobs checks
  jobs=$(nix eval --impure --json -f tests/fixtures/go.nix wordfreq --apply "p: builtins.attrNames ((import ./nix { toolchain = throw \"names only\"; }).stagesOf p)")
  echo "$jobs"
  [ "$jobs" = '["baseline","best","evaluation","evaluation-held-out","no-regression","optimized","profile","profiles-bench","profiles-text","profiling","release","vendor"]' ] ||
    fail "unexpected Go jobs $jobs"
  # The flake: gofmt's jobs and checks, listed without a toolchain (pure evaluation).
  nix eval --json .#hydraJobs.gofmt --apply builtins.attrNames | jq -e 'index("profiling") and index("optimized") and index("no-regression") and (index("instrumented") | not)' >/dev/null ||
    fail "hydraJobs.gofmt lacks Go stages"
  checks=$(nix eval --json .#checks.x86_64-linux --apply builtins.attrNames)
  echo "$checks" | jq -e 'index("gofmt-evaluation") and index("gofmt-no-regression") and (index("gofmt-bolted") | not)' >/dev/null ||
    fail "checks lack gofmt's: $checks"
}

test_go_compile_bench_compares_no_profile_gos_default_pgo_and_nix_pgos() {
  local comparison
  # bench/go-compile (built by its `measure`, not here): the three variants, in that order,
  # on the held-out workloads only, and the committed variant built from GOROOT's default.pgo.
  comparison=$(nix eval --impure --json -f bench/go-compile comparison --apply 'c: {
    variants = builtins.attrNames c.variants;
    workloads = builtins.attrNames c.workloads;
  }')
  echo "$comparison"
  echo "$comparison" | jq -e '.variants == ["baseline", "goDefault", "optimized"] and .workloads == ["encoding", "image-compress"]' >/dev/null ||
    fail "unexpected comparison $comparison"
  nix eval --impure --json -f bench/go-compile committedProfile.profiles --apply 'ps: map toString (builtins.attrValues ps)' |
    has 'go-1\.27\.3-compile-default\.pgo' || fail "the committed variant is not built from GOROOT's cmd/compile/default.pgo"
  nix eval --impure --json -f bench/go-compile workloads.training --apply builtins.attrNames | jq -e '. == ["go", "net"]' >/dev/null ||
    fail "the bench's training workloads changed: keep them disjoint from the evaluation's"
}

test_go_inline_budget_bench_builds_each_budget_into_optimized_only() {
  local gcflags
  # bench/go-inline-budget (built by its `measure`): per program, Go's budget (no flag) and
  # each smaller one, given to the optimized build only; baseline is the package's own.
  for p in gofmt go-service compile; do
    gcflags=$(nix eval --impure --json -f bench/go-inline-budget "$p.variants" --apply 'vs: builtins.mapAttrs (_: v: v.drvAttrs.gcflags or null) vs')
    echo "$p: $gcflags"
    jq -e '. == {"baseline": [], "go-default": [], "budget-1000": ["-d=pgoinlinebudget=1000"], "budget-500": ["-d=pgoinlinebudget=500"]}' <<<"$gcflags" >/dev/null ||
      fail "bench/go-inline-budget's $p variants are not built with their budgets: $gcflags"
  done
  # The package default is the 500 variant, the same derivation.
  [ "$(nix eval --impure --raw -f bench/go-inline-budget gofmt.variants.budget-500.drvPath)" = \
    "$(nix eval --impure --raw .#host.programs.gofmt.optimized.drvPath)" ] ||
    fail "gofmt's optimized is not the bench's budget-500 variant: profileUseGcflags' default and the bench disagree"
}

test_go_default_pgo_without_a_lock_is_named_not_silently_ignored() {
  local dir out
  dir=$(mktemp -d)/module
  cp -r tests/fixtures/go-wordfreq/module "$dir"
  chmod -R u+w "$dir"
  # Found in src without a lock: trained from the workloads, with a warning naming the fix.
  cp helper/tests/fixtures/pprof/cpu-a.pprof "$dir/default.pgo"
  out=$(nix eval --impure --raw -f tests/fixtures/go.nix --arg src "\"$dir\"" optimized.drvPath 2>&1)
  echo "$out"
  echo "$out" | has "default.pgo is not used: there is no lock" || fail "no warning about the unlocked default.pgo"
  echo "$out" | has -F "nix-pgo import --source file:default.pgo --output default.pgo --lock pgo.lock.json --name wordfreq --toolchain host-go-" ||
    fail "the warning doesn't give the command that locks it"
  # Given explicitly without a lock: refused.
  expect_failure "defaultPgo is given, but there is no lock" \
    nix eval --impure --raw -f tests/fixtures/go.nix --arg defaultPgo "$dir/default.pgo" optimized.drvPath
}

test_go_src_as_path_filtered_path_or_flake_self_builds_the_same_source() {
  # nix-pgo leaves its own files out of the builds' source (flake.nix, the lock,
  # default.pgo and its provenance, result links) whatever kind of source src is: a path,
  # a builtins.path with the user's filter, or a flake's self. The go-import trial's
  # filtered src kept them, so every import rebuilt the baseline and all after it.
  local dir
  dir=$(mktemp -d)/module
  cp -r tests/fixtures/go-wordfreq/module "$dir"
  chmod -R u+w "$dir"
  echo '{ outputs = _: { }; }' >"$dir/flake.nix"
  echo '{}' >"$dir/flake.lock"
  echo '{}' >"$dir/default.pgo.provenance.json"
  ln -s /nix/store "$dir/result"
  local drvs=() src
  for src in "$dir" "builtins.path { path = $dir; name = \"mine\"; }" "{ outPath = builtins.path { path = $dir; name = \"source\"; }; }"; do
    drvs+=("$(nix eval --impure --raw --expr "((import ./tests/fixtures/go.nix { }).wordfreq.override { src = $src; }).baseline.drvPath")")
  done
  [[ ${drvs[0]} == "${drvs[1]}" && ${drvs[0]} == "${drvs[2]}" ]] ||
    fail "the baseline differs with the kind of src: ${drvs[*]}"
}

test_go_ca_certificates_reach_every_workload_without_its_own_setting() {
  # caCertificates, as buildPgoPackage's: the package's default for each workload.
  local expr bundle run
  expr='let go = import ./tests/fixtures/go.nix { }; p = go.wordfreq.override (old: {
    caCertificates = true;
    workloads = old.workloads // { training = old.workloads.training // { text = old.workloads.training.text // { caCertificates = false; }; }; };
  }); in'
  bundle=$(nix eval --impure --raw --expr "(import ./nix/toolchain/host.nix { }).caBundle")
  drv_attrs "$(nix eval --impure --raw --expr "$expr p.profiles.bench.drvPath")" |
    jq -e --arg b "$bundle" '.env.SSL_CERT_FILE == $b' >/dev/null || fail "the benchmark workload has no CA bundle"
  [ -z "$(drv_attrs "$(nix eval --impure --raw --expr "$expr p.profiles.text.drvPath")" | jq -r '.workloadCaBundle // ""')" ] ||
    fail "a workload's own caCertificates = false did not win"
  run=$(input_drvs "$(nix eval --impure --raw --expr "$expr p.evaluation.drvPath")" | grep -- '-evaluation-held-out-' | head -n 1)
  run=$(input_drvs "$run" | grep -- '-evaluation-held-out-baseline-' | head -n 1)
  [ -n "$run" ] || fail "no evaluation run of held-out among evaluation's inputs"
  [ "$(drv_attrs "$run" | jq -r '.workloadCaBundle // ""')" = "$bundle" ] || fail "the evaluation workload has no CA bundle"
  # A benchmark reads its package's testdata/, and gets no inputs: refused, not ignored.
  expect_failure "a benchmark gets no .inputs." nix eval --impure --raw --expr \
    'let go = import ./tests/fixtures/go.nix { }; in (go.wordfreq.override (old: { workloads = old.workloads // { training = old.workloads.training // { bench = old.workloads.training.bench // { inputs.corpus = ./README.md; }; }; }; })).profiles.bench.drvPath'
}

test_go_runtime_variables_are_merged_over_the_defaults() {
  # Setting one runtime variable keeps GOMAXPROCS=1 GOGC=off: replacing the whole set (as
  # before) made the counts noisier than regressionTolerance assumes, silently (Go
  # new-user trial). The defaults given explicitly are the same derivations.
  local expr run
  # settings DRV: the runtime variables DRV's workload runs with, as the runner sources them.
  settings() {
    local file
    file=$(drv_attrs "$1" | jq -r '.workloadVariables')
    [ -f "$file" ] || fail "$1 has no workload variables file"
    (
      # shellcheck disable=SC1090 # a file the evaluation wrote
      source "$file"
      echo "GOMAXPROCS=$GOMAXPROCS GOGC=$GOGC GODEBUG=$GODEBUG"
    )
  }
  # A quote and a dollar sign reach the program as written.
  expr='let go = import ./tests/fixtures/go.nix { }; p = go.wordfreq.override { runtimeVariables = { GODEBUG = "madvdontneed=1"; GOGC = "2'"'"'0$HOME"; }; }; in'
  [ "$(settings "$(nix eval --impure --raw --expr "$expr p.profiles.text.drvPath")")" = "GOMAXPROCS=1 GOGC=2'0\$HOME GODEBUG=madvdontneed=1" ] ||
    fail "the profile's runtime settings are not the defaults with the user's over them: $(settings "$(nix eval --impure --raw --expr "$expr p.profiles.text.drvPath")")"
  run=$(input_drvs "$(nix eval --impure --raw --expr "$expr p.evaluation.drvPath")" | grep -- '-evaluation-held-out-' | head -n 1)
  run=$(input_drvs "$run" | grep -- '-evaluation-held-out-baseline-' | head -n 1)
  [ -n "$run" ] || fail "no evaluation run of held-out among evaluation's inputs"
  [ "$(settings "$run")" = "GOMAXPROCS=1 GOGC=2'0\$HOME GODEBUG=madvdontneed=1,asyncpreemptoff=1" ] ||
    fail "the evaluation's runtime settings lost the defaults or asyncpreemptoff: $(settings "$run")"
  [ "$(nix eval --impure --raw --expr 'let go = import ./tests/fixtures/go.nix { }; in (go.wordfreq.override { runtimeVariables = { GOMAXPROCS = "1"; GOGC = "off"; }; }).optimized.drvPath')" = \
    "$(nix eval --impure --raw --expr '(import ./tests/fixtures/go.nix { }).wordfreq.optimized.drvPath')" ] ||
    fail "the defaults given explicitly build other derivations than the defaults"
}

test_go_release_provenance_records_how_the_modules_were_vendored() {
  # vendorHash and proxyVendor are build settings of every stage: the release's
  # provenance records them with the other flags (the Go trial's finding).
  # flags OVERRIDE: the flags the release of wordfreq.override OVERRIDE records.
  flags() {
    drv_attrs "$(nix eval --impure --raw --expr "((import ./tests/fixtures/go.nix { }).wordfreq.override $1).release.drvPath")" |
      jq -r '.spec' | jq -c '.flags | {proxyVendor, vendorHash, runtimeVariables}'
  }
  [ "$(flags '{ }')" = '{"proxyVendor":false,"vendorHash":"'"$(nix eval --impure --raw --expr '(import ./tests/fixtures/go.nix { }).wordfreq.vendor.outputHash')"'","runtimeVariables":{"GOGC":"off","GOMAXPROCS":"1"}}' ] ||
    fail "the release's provenance does not record the vendor stage's hash, proxyVendor and the runtime settings: $(flags '{ }')"
  flags '{ proxyVendor = true; vendorHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="; }' |
    jq -e '.proxyVendor == true and .vendorHash == "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="' >/dev/null ||
    fail "the release does not record proxyVendor and vendorHash as given"
}

test_go_builds_do_not_depend_on_the_rust_toolchain() {
  # A new rustc rebuilt every Go stage: each carried the Rust toolchain's id. The go
  # command's stages carry Go's; the stages that run the helper still follow it (the
  # helper is built with rustc).
  local other='import ./nix { toolchain = (import ./nix/toolchain/host.nix { }) // { id = "another-rust"; }; }' attr
  for attr in vendor baseline profiling; do
    [ "$(nix eval --impure --raw -f tests/fixtures/go.nix --arg nixPgo "$other" "$attr.drvPath")" = "$(nix eval --impure --raw -f tests/fixtures/go.nix "$attr.drvPath")" ] ||
      fail "Go's $attr depends on the Rust toolchain's id"
  done
  [ "$(nix eval --impure --raw -f tests/fixtures/go.nix --arg nixPgo "$other" optimized.drvPath)" != "$(nix eval --impure --raw -f tests/fixtures/go.nix optimized.drvPath)" ] ||
    fail "optimized, which runs the helper, does not follow the Rust toolchain"
  drv_attrs "$(nix eval --impure --raw -f tests/fixtures/go.nix baseline.drvPath)" |
    jq -e --arg id "$(nix eval --impure --raw --expr '(import ./nix/toolchain/host.nix { }).go.id')" '.nixPgoToolchain == $id' >/dev/null ||
    fail "Go's baseline does not carry the Go toolchain's id"
}

test_go_min_profile_match_is_a_fraction() {
  # minProfileMatch = 80 (a percentage) would fail every optimized build with a match of
  # 100 %: refused at evaluation, naming the unit.
  expect_failure "minProfileMatch = 80: it is a fraction between 0 and 1" \
    nix eval --impure --raw --expr '((import ./tests/fixtures/go.nix { }).wordfreq.override { minProfileMatch = 80; }).optimized.drvPath'
  nix eval --impure --raw --expr '((import ./tests/fixtures/go.nix { }).wordfreq.override { minProfileMatch = 0.8; }).optimized.drvPath' >/dev/null
}

test_go_max_stale_is_a_percentage() {
  # As buildPgoPackage's: a percentage, 100 never fails; outside 0-100 refused at evaluation.
  expect_failure "maxStale = 150: it is a percentage between 0 and 100" \
    nix eval --impure --raw --expr '((import ./tests/fixtures/go.nix { }).wordfreq.override { maxStale = 150; }).optimized.drvPath'
  nix eval --impure --raw --expr '((import ./tests/fixtures/go.nix { }).wordfreq.override { maxStale = 100; }).optimized.drvPath' >/dev/null
}

test_go_src_pgo_dir_vendor_dir_and_filtered_src_mean_what_the_user_means() {
  local dir before after id
  dir=$(mktemp -d)/module
  cp -r tests/fixtures/go-wordfreq/module "$dir"
  chmod -R u+w "$dir"
  go_eval() { nix eval --impure --raw -f tests/fixtures/go.nix --arg src "\"$dir\"" "$@"; }
  # src's pgo/ (workloads and held-out data, as the README lays them out) is not in the
  # builds' source: editing it rebuilds no baseline (the Go service trial's did).
  mkdir -p "$dir/pgo/eval"
  echo "held-out line" >"$dir/pgo/eval/data.log"
  before=$(go_eval baseline.drvPath)
  echo "another held-out line" >>"$dir/pgo/eval/data.log"
  after=$(go_eval baseline.drvPath)
  [ "$before" = "$after" ] || fail "editing pgo/ changed the baseline: $before, then $after"
  # A filtered src is still looked in for the lock (it silently built unlocked).
  id=$(nix eval --impure --raw --expr '(import ./nix/toolchain/hostGo.nix { }).id')
  jq -n --arg id "$id" '{version: 1, profiles: {wordfreq: {($id): {
      fingerprint: "0123", fingerprintAlgorithm: "blake3-canonical-pprof-v1", fingerprintChanged: "2026-01-01",
      narHash: "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", storePath: "/nix/store/00000000000000000000000000000000-wordfreq-pgo-profile"}}}}' >"$dir/pgo.lock.json"
  [ "$(go_eval --arg filterSrc true --apply builtins.toJSON wordfreq.locked)" = true ] || fail "a filtered src's pgo.lock.json was not found"
  rm "$dir/pgo.lock.json"
  # vendor/ in src and a vendorHash: refused, as nixpkgs' buildGoModule does (its vendor/
  # was silently replaced by a fresh go mod vendor).
  mkdir -p "$dir/vendor"
  echo "# example.com/textstats v0.0.0 => ./textstats" >"$dir/vendor/modules.txt"
  expect_failure "src has a vendor/ directory \(vendor\), and vendorHash is set" go_eval baseline.drvPath
  # vendorHash = null without vendor/ while go.mod requires modules: named (go's own
  # "inconsistent vendoring" said to run go mod vendor).
  rm -r "$dir/vendor"
  expect_failure "src has no vendor/modules.txt while go.mod requires modules: commit vendor/" \
    go_eval --arg vendorHash null baseline.drvPath
}

test_go_main_program_is_the_binary_go_build_names() {
  local dir
  dir=$(mktemp -d)/module
  cp -r tests/fixtures/go-wordfreq/module "$dir"
  chmod -R u+w "$dir"
  # go build -o DIR/ names the module's own package after the module path, less /vN.
  sed -i 's|^module example.com/wordfreq$|module example.com/wordfreq/v2|' "$dir/go.mod"
  [ "$(nix eval --impure --raw -f tests/fixtures/go.nix --arg src "\"$dir\"" optimized.meta.mainProgram)" = wordfreq ] ||
    fail "mainProgram of a /v2 module: $(nix eval --impure --raw -f tests/fixtures/go.nix --arg src "\"$dir\"" optimized.meta.mainProgram)"
  [ "$(nix eval --impure --raw .#host.programs.gofmt.optimized.meta.mainProgram)" = gofmt ] || fail "gofmt's mainProgram"
}

test_go_vendor_takes_the_proxy_from_the_environment_and_needs_no_ca_bundle() {
  # As buildGoModule's goModules: GOPROXY and the proxy variables come from the environment
  # of nix build (impureEnvVars). The CA bundle is for https only: on a host without one
  # (host.nix's caBundle throws) the vendor stage evaluates, without SSL_CERT_FILE, to the
  # same output (a module whose dependencies are in src needs no download).
  local with without
  with=$(nix eval --impure --json --expr '(import ./tests/fixtures/go.nix { }).vendor')
  nix eval --impure --json --expr '(import ./tests/fixtures/go.nix { }).vendor.drvAttrs.impureEnvVars' |
    jq -e 'index("GOPROXY") and index("https_proxy") and index("no_proxy") and index("SOCKS_SERVER")' >/dev/null ||
    fail "the vendor stage doesn't take GOPROXY and the proxy variables from the environment"
  without=$(nix eval --impure --json --expr '
    let
      toolchain = import ./nix/toolchain/host.nix { } // { caBundle = throw "no /etc/ssl/certs/ca-certificates.crt"; };
      vendor = (import ./tests/fixtures/go.nix { nixPgo = import ./nix { inherit toolchain; }; }).vendor;
    in
    assert !(vendor.env ? SSL_CERT_FILE); vendor') || fail "the vendor stage needs a CA bundle: $without"
  [ "$with" = "$without" ] || fail "without a CA bundle the vendor stage has another output: $with, then $without"
}

# doc_block NAME FILE: the nix code block after `<!-- doc-test: NAME -->` in FILE.
doc_block() {
  awk -v marker="<!-- doc-test: $1 -->" '
    $0 == marker { found = 1; next }
    found && /^```nix$/ { inside = 1; next }
    inside && /^```$/ { exit }
    inside { print }' "$2"
}

test_go_docs_example_keeps_the_directory_training_workloads_beside_a_benchmark() {
  # docs/go.md's example, as written, in a project laid out as it says (wordfreq's module
  # at the root, its pgo/train and pgo/eval): adding the benchmark must not drop
  # train/*.sh. The example once wrote `w // { training.bench = …; }`, which replaces
  # `training` (the go trial: its program's runs were silently never trained on).
  local dir names
  dir=$(mktemp -d)
  cp -r tests/fixtures/go-wordfreq/module/. "$dir/"
  mkdir "$dir/pgo"
  cp -r tests/fixtures/go-wordfreq/train tests/fixtures/go-wordfreq/eval "$dir/pgo/"
  { echo '{ nixPgo }:'; doc_block go-package docs/go.md; } >"$dir/default.nix"
  grep -q buildGoPgoPackage "$dir/default.nix" || fail "docs/go.md has no go-package example"
  names=$(nix eval --impure --json --expr "
    let p = import $dir/default.nix { nixPgo = import ./nix { toolchain = import ./nix/toolchain/host.nix { }; }; };
    in { training = builtins.attrNames p.workloads.training; evaluation = builtins.attrNames p.workloads.evaluation; }")
  echo "$names"
  [ "$names" = '{"evaluation":["held-out"],"training":["bench","text"]}' ] ||
    fail "docs/go.md's example doesn't keep pgo/train's workloads beside the benchmark: $names"
}

test_go_buildGoModule_arguments_are_refused_with_what_to_do_instead() {
  # "Shaped like buildGoModule": a package moved from it brings doCheck, preBuild, env…
  # (the go trial). Nix's own refusal ("called with unexpected argument 'doCheck'") pointed
  # into nix-pgo's file; the refusal names the argument, why, and the arguments there are.
  expect_failure "buildGoPgoPackage \(wordfreq\): \`doCheck\` is buildGoModule's: the Go stages run no tests.*Its arguments: caCertificates, cgo, " \
    nix eval --impure --raw -f tests/fixtures/go.nix wordfreq --apply 'p: (p.override { doCheck = false; }).baseline.drvPath'
  expect_failure "\`subPackage\` is no argument of buildGoPgoPackage \(misspelt\?\)\. Its arguments: .*subPackages" \
    nix eval --impure --raw -f tests/fixtures/go.nix wordfreq --apply 'p: (p.override { subPackage = [ "." ]; }).baseline.drvPath'
  expect_failure "\`env\` is buildGoModule's: the go command's environment is fixed.* \`nativeBuildInputs\` is buildGoModule's: the Go stages take no build inputs" \
    nix eval --impure --raw -f tests/fixtures/go.nix wordfreq --apply 'p: (p.override { env.GOEXPERIMENT = "x"; nativeBuildInputs = [ ]; }).baseline.drvPath'
}

test_go_docs_give_the_benchmark_settings_defaults_the_stage_has() {
  # A benchmark's `package` defaults to "." (runGoWorkloadProfile.nix; go-proxy's fixture
  # leaves it out), while docs/go.md and API.md wrote it as required (the go trial).
  local shapes
  grep -q 'bench.package or "\."' nix/stages/profiles/runGoWorkloadProfile.nix || fail "the stage's default for package changed: update this test and the docs"
  # (The descriptions, `package ? …` or a bare `package;`, not examples with values.)
  shapes=$(grep -hoE 'benchmark = \{ package( \?|[;,])[^}]*\}' docs/go.md docs/API.md nix/buildGoPgoPackage.nix)
  echo "$shapes"
  [ "$(echo "$shapes" | wc -l)" -ge 3 ] || fail "the benchmark's shape is no longer in go.md, API.md and buildGoPgoPackage.nix"
  ! echo "$shapes" | has -v 'package ? "\."' || fail "a description of a benchmark gives package without its default"
}

test_go_import_docs_flake_exposes_the_helper_and_the_toolchain_id() {
  # docs/go-import.md runs `nix-pgo import … --toolchain "$(nix eval … .#server.toolchainId)"`;
  # it said neither where nix-pgo comes from nor how `.#server` can be a pipeline (the go
  # trial). Its flake, as written (the package wordfreq's, the URL this checkout), gives both.
  local dir id expected
  dir=$(mktemp -d)
  cp -r tests/fixtures/go-wordfreq/module/. "$dir/"
  mkdir "$dir/pgo"
  cp -r tests/fixtures/go-wordfreq/train tests/fixtures/go-wordfreq/eval "$dir/pgo/"
  doc_block go-import-flake docs/go-import.md |
    sed -e "s|git+https://example.org/nix-pgo|path:$PWD|" \
      -e 's|pgo.buildGoPgoPackage { /\* … \*/ }|pgo.buildGoPgoPackage { pname = "wordfreq"; version = "0.1.0"; src = ./.; vendorHash = "sha256-+TIeLSH/Q8CO7ysKArFz/6AjT4cTMFE0kQeejBzo0Og="; workloads = pgo.workloadsFromDir ./pgo { }; }|' >"$dir/flake.nix"
  grep -q 'pname = "wordfreq"' "$dir/flake.nix" || fail "go-import.md's flake no longer has the line this test fills in"
  id=$(cd "$dir" && nix eval --impure --raw .#server.toolchainId)
  expected=$(nix eval --impure --raw -f tests/fixtures/go.nix wordfreq.toolchainId)
  [ "$id" = "$expected" ] || fail "go-import.md's flake gives toolchainId '$id', not the package's '$expected'"
  (cd "$dir" && nix run --impure .#nix-pgo -- import --help) | has -- '--toolchain' || fail "go-import.md's flake does not run nix-pgo import"
}
