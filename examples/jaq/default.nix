# An interpreter: jaq, the jq clone, built from its crates.io release with the Cargo.lock it
# was published with. Its hot code is a filter interpreter (jaq-core), the JSON parser and
# printer (jaq-json) and the standard library (jaq-std): which paths are hot depends on
# the filters it runs, so PGO has something to learn. Training runs real jq programs over
# the SPDX license list (the index, and the full text of all 740 licenses); evaluation,
# held out from training, runs other filters over the SPDX license *exceptions* and over
# another project's JSON benchmark data (jiter's benches/). All inputs are crates.io
# releases pinned by hash (licences: README.md here).
{ nixPgo }:
let
  inherit (nixPgo)
    buildPgoPackage
    crateSource
    workloadsFromDir
    ;
  inputs = import ../inputs.nix { inherit crateSource; };
in
buildPgoPackage {
  pname = "jaq";
  version = "3.1.2";
  src = crateSource {
    pname = "jaq";
    version = "3.1.2";
    sha256 = "f686343ddd30a3cb6028299b080fb135480532e74b5f6628362c11fdb52f7d22";
  };
  # The lock file inside that crate, copied here so evaluation needn't unpack the crate.
  cargoLock = ./Cargo.lock;
  # jaq's one Cargo feature, `mimalloc` (on by default), links the mimalloc allocator, a C
  # library built by the `cc` crate. Off here: cc (1.4) failed the instrumented build on a
  # bare `-Cprofile-generate` ("must have a value"); nix-pgo now passes a path, but jaq
  # with mimalloc has not been measured yet. jaq uses the system allocator in every variant.
  noDefaultFeatures = true;
  # Rust's v0 symbol mangling instead of the legacy one: legacy names spell out every
  # generic type in full (jaq's longest, a drop_in_place of its standard library's
  # nested iterator chain, is 11,415 characters), and the BOLT instrumentation runtime
  # formats each profile line in a 10,240-byte buffer: with them the BOLT-instrumented jaq
  # aborts at exit ("buffer overflow, function name too large"). v0 names refer back to
  # repeated paths and types instead of repeating them.
  rustflags = [ "-Csymbol-mangling-version=v0" ];
  workloads = workloadsFromDir ./. {
    inputs = {
      # The SPDX license list data (license-list-data/json: licenses.json, details/*.json,
      # exceptions.json, exceptions/*.json), shipped inside the `license` crate, which
      # generates its Rust code from it. Training reads the licenses, evaluation the
      # exceptions.
      inherit (inputs) spdx;
      # A JSON parser's benchmark data (benches/*.json): evaluation only.
      inherit (inputs) jiter;
    };
  };
}
