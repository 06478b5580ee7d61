# Smaller bolted binaries (docs/API.md, `buildBolted`): llvm-bolt aligns its new code to
# 2 MB for huge pages, which pads the file; `-no-huge-pages` aligns it to 4 KB, and
# `-use-old-text` writes it into the old .text when it fits (when it doesn't, llvm-bolt
# rewrites every function instead of the profiled ones). Both added to the program's
# boltOptions, evaluated beside bolted against baseline on the held-out and the training
# workloads under callgrind (which sees the extra instructions, not the TLB that huge
# pages are for). Build: `nix build --impure -f bench/bolt-size.nix --argstr program
# pulldown-cmark evaluation` (a name from examples/default.nix), and compare the sizes of
# `bolted`, `noHugePages` and `oldText`.
{ program }:
let
  inherit (builtins) attrNames attrValues head listToAttrs parseDrvName;
  lib = import ../nix { toolchain = import ../nix/toolchain/host.nix { }; };
  pipeline = (import (import ../examples).${program} { nixPgo = lib; }).override { bolt = true; };
  withOptions = extra: (pipeline.override { boltOptions = pipeline.bolted.boltOptions ++ extra; }).bolted;
  inherit (pipeline) baseline bolted;
  noHugePages = withOptions [ "-no-huge-pages" ];
  oldText = withOptions [ "-no-huge-pages" "-use-old-text" ];
in
{
  inherit bolted noHugePages oldText;
  evaluation = lib.evaluateVariants {
    pname = program;
    version = "${(parseDrvName baseline.name).version}-bolt-size";
    # The package's deterministicRandom, as its evaluation derivations got it.
    deterministicRandom =
      pipeline.evaluation != null && (head (attrValues pipeline.evaluation.workloads)).workloadPreload != "";
    variants = {
      inherit baseline bolted;
      bolted-no-huge-pages = noHugePages;
      bolted-old-text = oldText;
    };
    order = [ "baseline" "bolted" "bolted-no-huge-pages" "bolted-old-text" ];
    workloads = pipeline.workloads.evaluation
      // listToAttrs (map (n: { name = "trained-${n}"; value = pipeline.workloads.training.${n}; }) (attrNames pipeline.workloads.training));
  };
}
