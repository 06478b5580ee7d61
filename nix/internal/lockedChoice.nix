# lockedChoice :: set -> set or null
#
# The variant `best` ships as the lock chose it (the entry's `choice`, written by
# update-profile with `lockChoice = true`; helper/src/lock.rs), or null when there is none
# or it no longer applies. A locked choice ships without an evaluation, so that a program
# whose evaluation counts move from run to run (one that starts threads) ships the same
# variant, with the same numbers in its release, in every store. (A remedy's build still
# needs the evaluation: its repair plan comes from it.) It applies only while the
# candidates it was made among are the package's: the same evaluation workloads (a
# held-out workload added since gets a fresh choice, which weighs it) and the chosen
# variant still built. When it doesn't, the package chooses afresh and says why (a warning
# at evaluation time). buildPgoPackage and buildGoPgoPackage share it.
#
# Result: { chosen; lockFile; pname; toolchainId; } for chooseBest, whose stage reads the
# choice's numbers from the lock file itself (`nix-pgo choose-variant --locked-in`): Nix
# would print them to 6 digits.
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
, # "buildPgoPackage (<pname>)": who warns.
  who
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
  ignored = why:
    builtins.trace "warning: ${who}: the lock's choice (ship ${choice.chosen}) is not used: ${why}; this build chooses from its own evaluation. To lock a new choice, ${relock}." null;
in
if choice == null then
  null
else if lockedWorkloads != current then
  ignored "it was made on the evaluation workloads ${names lockedWorkloads}, and the package's are ${names current}"
else if !builtins.elem choice.chosen variants then
  ignored "the package no longer builds ${choice.chosen} (its variants: ${names variants})"
else
  {
    inherit (choice) chosen;
    inherit pname toolchainId;
    # The file alone, not the source it may be in (whose every change would rebuild best).
    lockFile = builtins.toFile "pgo.lock.json" (builtins.unsafeDiscardStringContext (builtins.readFile lockFile));
  }
