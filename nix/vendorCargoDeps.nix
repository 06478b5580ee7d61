# vendorCargoDeps :: { cargoLock } -> drv
#
# A cargo "directory source" holding every crates.io dependency named in Cargo.lock,
# each fetched by its own fixed-output derivation whose hash is the lock's checksum.
# Nothing here needs the network after the fetches; cargo then runs --frozen.
{
  fetchCrate,
  mkStage,
}:
{
  # Path to the Cargo.lock to vendor.
  cargoLock,
  # Name prefix of the vendor derivation.
  pname ? "cargo",
}:
let
  inherit (builtins)
    concatStringsSep
    filter
    hasAttr
    map
    readFile
    substring
    ;

  lock = fromTOML (readFile cargoLock);
  cratesIo = [
    "registry+https://github.com/rust-lang/crates.io-index"
    "sparse+https://index.crates.io/"
  ];
  isLocal = p: !(hasAttr "source" p);
  remote = filter (p: !isLocal p) (lock.package or [ ]);

  # Fail at evaluation time, naming the package and the way out, rather than in cargo.
  checked =
    p:
    let
      what = "${p.name} ${p.version} (${p.source})";
    in
    if substring 0 4 p.source == "git+" then
      throw "vendorCargoDeps: ${cargoLock} has a git dependency, ${what}. nix-pgo vendors crates.io packages only: publish it or point the dependency at a crates.io release (or a path dependency inside src)."
    else if !(builtins.elem p.source cratesIo) then
      throw "vendorCargoDeps: ${cargoLock} has a dependency from another registry, ${what}. nix-pgo vendors crates.io packages only."
    else if !(p ? checksum) then
      throw "vendorCargoDeps: ${cargoLock} has no checksum for ${what} (an old lock format?). Regenerate it with a current cargo (`cargo generate-lockfile`) so every crate has a checksum."
    else
      p;

  crates = map checked remote;
in
mkStage {
  name = "${pname}-vendor";
  script = ./vendor.sh;
  # Parallel lists: the .crate file, its directory name, its checksum.
  crateFiles = map (
    p:
    fetchCrate {
      pname = p.name;
      inherit (p) version;
      sha256 = p.checksum;
    }
  ) crates;
  crateDirs = map (p: "${p.name}-${p.version}") crates;
  crateChecksums = map (p: p.checksum) crates;
  passthru = {
    inherit cargoLock;
    crateCount = builtins.length crates;
  };
}
