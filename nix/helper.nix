# helper :: drv
# docs/API.md, `helper`.
#
# The nix-pgo helper (helper/), built with the same toolchain as everything else by the
# same cargo stage, its tests run against the toolchain's real llvm-profdata.
{
  cargoBuild,
  toolchain,
  vendorCargoDeps,
}:
let
  # Only what cargo reads: editing the README or tests/ of the repo doesn't rebuild it.
  src = builtins.path {
    path = ../helper;
    name = "nix-pgo-helper-source";
    filter =
      path: type:
      let
        base = baseNameOf path;
      in
      type == "directory" && base != "target"
      || builtins.match ".*\\.(rs|toml|lock|proftext)" base != null;
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
  NIX_PGO_LLVM_PROFDATA = toolchain.llvmProfdata;
  checkCommand = ''"$cargo" test $cargoFlags -- --color never'';
}
