# The demo: pulldown-cmark, the CommonMark parser and HTML renderer behind rustdoc and
# mdBook, built from its crates.io release with the Cargo.lock it was published with.
# Training renders the Cargo Book; evaluation renders other projects' changelogs, held out
# from training. All inputs are crates.io releases pinned by hash (licences: README.md).
{ nixPgo }:
let
  inherit (nixPgo)
    buildPgoPackage
    crateSource
    workloadsFromDir
    ;
  inputs = import ../inputs.nix { inherit crateSource; };
  # src is a crate, so the lock and a checked-in profile live here, not in src.
  ifExists = path: if builtins.pathExists path then path else null;
in
buildPgoPackage {
  pname = "pulldown-cmark";
  version = "0.13.6";
  src = crateSource {
    pname = "pulldown-cmark";
    version = "0.13.6";
    sha256 = "3db2be46835f013dd3f4fa7f5f7402c537787b54ebb6fe2b94bbdd7e2669bb7b";
  };
  # The lock file inside that crate, copied here so evaluation needn't unpack the crate.
  cargoLock = ./Cargo.lock;
  # The demo ships unlocked (docs/design.md "Locked profiles"); `nix run --impure
  # .#host.update-profile` writes this lock, and from then on optimized uses it.
  lockFile = ifExists ./pgo.lock.json;
  checkedInProfile = ifExists ./pgo/pulldown-cmark.profdata;
  checkedInBoltProfile = ifExists ./pgo/pulldown-cmark.bolt;
  lockPath = "examples/pulldown-cmark/pgo.lock.json";
  workloads = workloadsFromDir ./. {
    # The Cargo Book (src/doc/src): training; its changelog and those of other projects:
    # evaluation. Only the evaluation sees the other projects' trees.
    inputs = { inherit (inputs) cargo; };
    evaluationInputs = {
      inherit (inputs)
        tokio
        regex
        nom
        mdbook
        ;
    };
  };
}
