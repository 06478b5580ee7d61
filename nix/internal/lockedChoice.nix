# lockedChoice :: set -> set or null
#
# The variant `best` ships as the lock chose it (the entry's `choice`, written by
# update-profile with `lockChoice = true`; helper/src/lock.rs), or null: choose from the
# evaluation. A locked choice ships without an evaluation, so that a program whose
# evaluation counts move from run to run (one that starts threads) ships the same variant,
# with the same numbers in its release, in every store. (A remedy's build still needs the
# evaluation: its repair plan comes from it.)
# With lockChoice the package asked for that, so a choice that can't be used is an
# evaluation error naming the re-lock, never a silent fresh choice whose release differs
# from store to store: no choice in the entry, one made on other evaluation workloads (a
# held-out workload added since must be weighed), or one naming a variant the package no
# longer builds. Without lockChoice an entry's choice is left unused, with a warning
# (re-locking drops it). buildPgoPackage and buildGoPgoPackage share it.
#
# Result: { chosen; lockFile; pname; toolchainId; relock; } for chooseBest,
# whose stage reads the choice's numbers from the lock file itself (`nix-pgo choose-variant
# --locked-in`: Nix would print them to 6 digits) and compares the evaluation workloads'
# hashes the choice recorded with theirs now: a workload edited since is noticed in the
# build, which hashes them (the names are compared here).
{
  # The package's lock entry (lockEntry.nix), or null, and what it was read from.
  lockEntry
, lockFile
, pname
, toolchainId
, # The names of the package's evaluation workloads.
  evaluationWorkloads
, # The names of the variants `best` chooses among.
  variants
, # The package's lockChoice.
  lockChoice
, # "buildPgoPackage (<pname>)": who warns.
  who
, # throw with the caller's prefix.
  fail
, # What to run to lock a new choice.
  relock
}:
let
  choice = if lockEntry == null then null else lockEntry.choice or null;
  # The baseline is always a candidate, measured on every evaluation workload (the helper
  # refuses a lock whose choice has none, when best is built).
  baseline = builtins.filter (c: c.variant == choice.baseline) choice.candidates;
  lockedWorkloads = builtins.sort builtins.lessThan
    (if baseline == [ ] then [ ] else map (w: w.workload) (builtins.head baseline).workloads);
  current = builtins.sort builtins.lessThan evaluationWorkloads;
  names = l: if l == [ ] then "none" else builtins.concatStringsSep ", " l;
  shownLockFile = import ./shownPath.nix lockFile;
  refuse = why:
    fail "the choice in ${shownLockFile} can't be used: ${why}. With lockChoice = true the package ships only the lock's choice (so that its release is the same in every store): ${relock} to lock one made on its evaluation workloads, or set lockChoice = false to choose from each build's evaluation.";
in
if lockEntry == null then
  null
else if !lockChoice then
  if choice == null then null
  else builtins.trace "warning: ${who}: ${shownLockFile} holds a choice (ship ${choice.chosen}) that lockChoice = false leaves unused: this build chooses from its own evaluation (re-locking drops the choice)." null
else if choice == null then
  refuse "it has none for ${pname} (it was locked without lockChoice, or by `nix-pgo import`, which locks the profile alone)"
else if lockedWorkloads != current then
  refuse "it was made on the evaluation workloads ${names lockedWorkloads}, and the package's are ${names current}"
else if !builtins.elem choice.chosen variants then
  refuse "it ships ${choice.chosen}, which the package no longer builds (its variants: ${names variants})"
else
  let
    locked = {
      inherit (choice) chosen;
      inherit pname toolchainId relock;
      # The file alone, not the source it may be in (whose every change would rebuild best).
      lockFile = builtins.toFile "pgo.lock.json" (builtins.unsafeDiscardStringContext (builtins.readFile lockFile));
    };
  in
  # Said here, where every build sees it, not only in best's log.
  if choice ? workload_sources then locked
  else builtins.trace "warning: ${who}: the choice in ${shownLockFile} records no hashes of the evaluation workloads it was made on (it was locked by an older nix-pgo), so an edit of their scripts or inputs can't be noticed: ${relock} to record them." locked
