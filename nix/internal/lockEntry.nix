# lockEntry :: set -> set or null
#
# A package's entry in a lock file (pgo.lock.json, format version 1, written by
# `nix-pgo lock`): the entry for this build's toolchain, or null without a lock file. Every
# way a lock can fail to apply is an evaluation error naming the fix: a lock of another
# format, no entry for the package, an entry for another toolchain (a profile of another
# toolchain is never reused), or a fingerprint of another algorithm. buildPgoPackage and
# buildGoPgoPackage share it.
{
  # The lock file (a path), or null.
  lockFile
, pname
, # The toolchain the profile must come from (toolchain.id, or toolchain.go.id for Go).
  toolchainId
, # The fingerprint algorithm the entry must have (helper/src/fingerprint.rs, ALGORITHM;
  # helper/src/pprof), and what an entry without the field means (entries written before
  # it was recorded), or null when the field is required.
  algorithm
, algorithmIfMissing ? null
, # throw with the caller's prefix ("buildPgoPackage (<pname>): …").
  fail
, # What to run to write a new entry.
  relock
}:
let
  lock = builtins.fromJSON (builtins.readFile lockFile);
  forPackage = lock.profiles.${pname} or { };
  entry = forPackage.${toolchainId};
  entryAlgorithm = entry.fingerprintAlgorithm or algorithmIfMissing;
in
if lockFile == null then
  null
else if (lock.version or null) != 1 then
  fail "${toString lockFile} has lock format version ${toString (lock.version or "none")}; this nix-pgo reads version 1. Update nix-pgo, or re-lock with this one."
else if forPackage == { } then
# (Several packages of one src share its lock, a Cargo workspace's members say: each is
# locked by its own updateProfile, which adds its entry and keeps the others'.)
  fail "${toString lockFile} has no entry for ${pname}: ${relock} (updateProfile adds ${pname}'s entry and keeps the other packages'); or, to build ${pname} unlocked, give it `lockFile = null;`."
else if !(forPackage ? ${toolchainId}) then
  fail "${toString lockFile} locks ${pname} for toolchain(s) ${builtins.concatStringsSep ", " (builtins.attrNames forPackage)}, not for this build's toolchain ${toolchainId}. A profile of another toolchain is never reused: ${relock}."
else if entryAlgorithm != algorithm then
  fail "${toString lockFile} locks ${pname} with fingerprint algorithm ${toString entryAlgorithm}, but this nix-pgo fingerprints these profiles with ${algorithm}: ${relock}."
else
  entry
