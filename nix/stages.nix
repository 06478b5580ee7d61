# The stage registry: every stage of a buildPgoPackage (Rust) or buildGoPgoPackage (Go)
# pipeline, once, in pipeline order. Each builder's result has each `attr` of its language; from this list come the flake's packages
# (`name`), the Hydra jobs (stagesOf.nix: one per derivation, per-workload stages as
# `<name>-<workload>`), the checks (checksFor.nix) and the README's stage table
# (tests/fast/10-graph.sh compares them). Pure data: listing it never touches a toolchain.
#   name         the flake attribute and job name (kebab-case)
#   attr         the attribute of buildPgoPackage's result (camelCase)
#   perWorkload  a set of derivations, one per training workload (or per variant or
#                remedy: repairPlans, repaired; the evaluations keep their per-workload
#                derivations in `workloads`: "evaluation")
#   bolt         null when the package has `bolt = false`
#   check        a derivation whose build is a test: in checks.<system> as <program>-<name>
#   checkNeeds   a check only for the packages that have these too (names as in `needs`)
#   lockedOnly   only for a package with a lock
#   needs        what else the package must have for it (its `has`, from its arguments):
#                "evaluation" (evaluation workloads), "repairs" (and remedies to try),
#                "vendor" (Go: a vendorHash), "lockChoice" (lockChoice = true); with
#                `bolt` and `lockedOnly`, the only ways a stage is null, so stagesOf and
#                checksFor never ask a stage itself
#   job          a Hydra job of its own (false: the same derivation as another stage, or an app)
#   languages    the pipelines that have it: "rust" (buildPgoPackage), "go" (buildGoPgoPackage);
#                a pipeline's `language` attribute names its own
let
  stage =
    s:
    {
      perWorkload = false;
      bolt = false;
      check = false;
      checkNeeds = [ ];
      lockedOnly = false;
      needs = [ ];
      job = true;
      languages = [ "rust" "go" ];
    }
    // s;
in
map stage [
  { name = "vendor"; attr = "vendor"; needs = [ "vendor" ]; }
  { name = "baseline"; attr = "baseline"; }
  { name = "instrumented"; attr = "instrumented"; languages = [ "rust" ]; }
  # The Go program built to write a CPU profile when a workload runs it (go build -overlay).
  { name = "profiling"; attr = "profiling"; languages = [ "go" ]; }
  { name = "profiles"; attr = "profiles"; perWorkload = true; }
  { name = "profile"; attr = "profile"; }
  # The profile rebuilt from the workloads; `profile` itself when the package is unlocked.
  { name = "profile-unlocked"; attr = "profileUnlocked"; job = false; }
  { name = "optimized"; attr = "optimized"; }
  { name = "bolt-input"; attr = "boltInput"; bolt = true; languages = [ "rust" ]; }
  { name = "bolt-instrumented"; attr = "boltInstrumented"; bolt = true; languages = [ "rust" ]; }
  { name = "bolt-profiles"; attr = "boltProfiles"; perWorkload = true; bolt = true; languages = [ "rust" ]; }
  { name = "bolt-profile"; attr = "boltProfile"; bolt = true; languages = [ "rust" ]; }
  # The BOLT profile rebuilt from the workloads; `bolt-profile` itself unless the lock has one.
  { name = "bolt-profile-unlocked"; attr = "boltProfileUnlocked"; bolt = true; job = false; languages = [ "rust" ]; }
  { name = "bolted"; attr = "bolted"; bolt = true; check = true; languages = [ "rust" ]; }
  { name = "evaluation"; attr = "evaluation"; perWorkload = "evaluation"; check = true; needs = [ "evaluation" ]; }
  { name = "no-regression"; attr = "noRegression"; check = true; needs = [ "evaluation" ]; }
  # Repair before fallback (docs/never-slower.md): per variant, did it regress; the
  # remedies, each a variant; and their evaluation.
  { name = "repair-plans"; attr = "repairPlans"; perWorkload = true; needs = [ "evaluation" ]; languages = [ "rust" ]; }
  { name = "repaired"; attr = "repaired"; perWorkload = true; needs = [ "evaluation" ]; languages = [ "rust" ]; }
  { name = "repair-evaluation"; attr = "repairEvaluation"; perWorkload = "evaluation"; needs = [ "repairs" ]; languages = [ "rust" ]; }
  # The variant to ship: the fastest that passes the regression check (never needs it to
  # pass), among the variants and the remedies. A check with a locked choice: it then
  # builds the chosen variant alone, and fails once an evaluation workload was edited
  # since the choice was locked (which no other check sees: none of them ships the lock's
  # choice). Without one it would build and evaluate every remedy.
  { name = "best"; attr = "best"; needs = [ "evaluation" ]; check = true; checkNeeds = [ "lockChoice" ]; }
  # <pname>-<version>-<system>.tar.gz: the shipped binary, provenance.json, SHA256SUMS.
  { name = "release"; attr = "release"; }
  # The locked profile against the workloads: Rust's retrains and compares (profileFresh),
  # Go's sampled profile can't be, so it checks that the training workloads are those the
  # profile was locked with, or that an imported profile's functions are still the
  # program's (checkTraining).
  { name = "profile-fresh"; attr = "profileFresh"; check = true; lockedOnly = true; job = false; }
  # bin/update-profile: an app (`nix run`), not a build product.
  { name = "update-profile"; attr = "updateProfile"; job = false; }
  # bin/update-choice: lock the variant `best` chooses now, keeping the locked profile.
  { name = "update-choice"; attr = "updateChoice"; job = false; lockedOnly = true; needs = [ "lockChoice" ]; }
]
