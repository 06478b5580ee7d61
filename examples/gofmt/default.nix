# gofmt, the Go distribution's formatter (GOROOT/src/cmd/gofmt: a parser and a printer,
# standard library only), built from the GOROOT of the toolchain's Go and optimized with a
# profile of it formatting Go source trees of that same GOROOT. Training and evaluation
# get disjoint directories of GOROOT/src, so the evaluation is held out.
{ nixPgo }:
let
  inherit (nixPgo) buildGoPgoPackage toolchain workloadsFromDir;
  inherit (toolchain.go) goroot;
  # A directory of GOROOT/src as a workload input: a store path already with nixpkgs' go;
  # the host GOROOT (scripts/setup-host) is copied to the store, so the sandbox has it.
  srcDir =
    dir:
    if builtins.hasContext goroot then
      "${goroot}/src/${dir}"
    else
      builtins.path {
        path = /. + "${goroot}/src/${dir}";
        name = "go-src-${builtins.replaceStrings [ "/" ] [ "-" ] dir}";
      };
  # { <name> = directory; }: the workloads see $PGO_INPUTS/<name>.
  trees = dirs: builtins.listToAttrs (map (d: { name = builtins.replaceStrings [ "/" ] [ "-" ] d; value = srcDir d; }) dirs);
  ifExists = path: if builtins.pathExists path then path else null;
in
buildGoPgoPackage {
  pname = "gofmt";
  inherit (toolchain.go) version;
  # The `cmd` module of GOROOT, which only builds in place (its packages import the
  # standard library's internal packages); it brings its own vendor/.
  src = "${goroot}/src/cmd";
  vendorHash = null;
  subPackages = [ "gofmt" ];
  lockFile = ifExists ./pgo.lock.json;
  defaultPgo = ifExists ./default.pgo;
  lockPath = "examples/gofmt/pgo.lock.json";
  defaultPgoPath = "examples/gofmt/default.pgo";
  workloads = workloadsFromDir ./. {
    # Training: the Go parser and printer packages, net/ and crypto/, the runtime,
    # syscall/ and internal/.
    trainingInputs = trees [
      "go"
      "net"
      "crypto"
      "runtime"
      "syscall"
      "internal"
    ];
    # Evaluation: encoding/, image/ and compress/, which the training can't read.
    evaluationInputs = trees [
      "encoding"
      "image"
      "compress"
    ];
  };
}
