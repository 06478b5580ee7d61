# boltRepaired :: set -> drv
# Arguments and result: docs/API.md, `boltRepaired`.
#
# The BOLT remedy: bolted again, from the same input and profile, with the options that
# leave the code training never reached where it was (`boltOptions` below: no function
# splitting, so an untrained path never jumps to a distant cold fragment), tried only when
# the repair plan says bolted regressed; otherwise bolted itself, copied.
# $out/nix-support/repair says what was done: `applied` or `not-needed`.
{ buildBolted }:
{ pname
, version
, boltInput
, boltProfile
, # bolted (buildBolted's result), copied when it needs no repair.
  original
, # repairPlan's result for bolted.
  plan
, boltOptions ? [
    # Blocks and functions laid out by the profile, as in bolted (buildBolted.nix), ...
    "-reorder-blocks=ext-tsp"
    "-reorder-functions=cdsort"
    # ... but nothing split off: with -split-functions/-split-all-cold/-split-eh, a block
    # training never ran moves to a cold fragment far from its function, and a held-out
    # workload that runs it pays a jump there and back (and i-cache misses).
    "-hot-text=0"
    "-use-gnu-stack"
    "-dyno-stats"
  ]
}:
buildBolted {
  inherit pname version boltInput boltProfile boltOptions;
  stage = "bolted-gentle";
  script = ./boltRepaired.sh;
  extraAttrs = {
    boltedScript = ../bolted/buildBolted.sh;
    remedy = "bolted-gentle";
    original = "${original}";
    inherit plan;
  };
}
