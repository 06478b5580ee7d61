# helper :: drv
# docs/API.md, `helper`.
#
# The nix-pgo helper (helper/), built with the same toolchain as everything else by the
# same cargo stage, its unit and integration tests (tests/cli.rs) run against the
# toolchain's real llvm-profdata and valgrind.
{ cargoBuild
, toolchain
, vendorCargoDeps
,
}:
let
  # Only what cargo reads (sources, manifests, the tests' profile fixtures): editing the
  # README or tests/ of the repo doesn't rebuild it.
  src = builtins.path {
    path = ../helper;
    name = "nix-pgo-helper-source";
    filter =
      path: type:
      let
        base = baseNameOf path;
      in
      type == "directory" && base != "target"
      || builtins.match ".*\\.(rs|toml|lock|proftext|pprof)" base != null;
  };
  cargoLock = ../helper/Cargo.lock;
  manifest = fromTOML (builtins.readFile ../helper/Cargo.toml);
in
cargoBuild {
  pname = "nix-pgo";
  inherit (manifest.package) version;
  stage = "helper";
  inherit src cargoLock;
  vendor = vendorCargoDeps {
    pname = "nix-pgo";
    inherit cargoLock;
  };
  bins = [ "nix-pgo" ];
  # The helper reads the other packages' .cargo/config.toml; its own has none.
  cargoConfigRustflags = false;
  # What the integration tests (helper/tests) run: they fail without them.
  env = {
    NIX_PGO_LLVM_PROFDATA = toolchain.llvmProfdata;
    NIX_PGO_VALGRIND = toolchain.valgrind;
  };
  # Not $cargoFlags: its `--bin nix-pgo` would limit the run to the binary's unit tests
  # and skip tests/cli.rs (issue 11). The other flags are the build's, so that cargo
  # reuses what it compiled.
  checkCommand = ''"$cargo" test --release --frozen --target "$targetTriple" -- --color never'';
}
