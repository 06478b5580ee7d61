# The demo: pulldown-cmark, the CommonMark parser and HTML renderer behind rustdoc and
# mdBook, built from its crates.io release with the Cargo.lock it was published with.
# Training renders the Cargo Book; evaluation renders other projects' changelogs, held out
# from training. All inputs are crates.io releases pinned by hash (licences: README.md).
{ nixPgo }:
let
  inherit (nixPgo)
    buildPgoPackage
    fetchCrate
    unpackCrate
    workloadsFromDir
    ;
  crate = pname: version: sha256: unpackCrate (fetchCrate { inherit pname version sha256; });
  # src is a crate, so the lock and a checked-in profile live here, not in src.
  ifExists = path: if builtins.pathExists path then path else null;
in
buildPgoPackage {
  pname = "pulldown-cmark";
  version = "0.13.6";
  src = crate "pulldown-cmark" "0.13.6" "3db2be46835f013dd3f4fa7f5f7402c537787b54ebb6fe2b94bbdd7e2669bb7b";
  # The lock file inside that crate, copied here so evaluation needn't unpack the crate.
  cargoLock = ./Cargo.lock;
  # The demo ships unlocked (README "Locked profiles"); `nix run --impure
  # .#host.update-profile` writes this lock, and from then on optimized uses it.
  lockFile = ifExists ./pgo.lock.json;
  checkedInProfile = ifExists ./pgo/pulldown-cmark.profdata;
  lockPath = "workloads/pulldown-cmark/pgo.lock.json";
  workloads = workloadsFromDir ./. {
    inputs = {
      # The Cargo Book (src/doc/src): training.
      cargo = crate "cargo" "0.92.0" "89389877f508bae1d45a48b4e76cb0dac5e41a6ac5103752e44d29be0c69c394";
      # Changelogs of other projects: evaluation.
      tokio = crate "tokio" "1.48.0" "ff360e02eab121e0bc37a2d3b4d4dc622e6eda3a8e5253d5435ecf5bd4c68408";
      regex = crate "regex" "1.12.2" "843bc0191f75f3e22651ae5f1e72939ab2f72a4bc30fa80a066bd66edefc24d4";
      nom = crate "nom" "8.0.0" "df9761775871bdef83bee530e60050f7e54b1105350d6884eb0fb4f46c2f9405";
      mdbook = crate "mdbook" "0.4.52" "93c284d2855916af7c5919cf9ad897cfc77d3c2db6f55429c7cfb769182030ec";
    };
  };
}
