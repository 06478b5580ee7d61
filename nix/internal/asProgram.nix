# asProgram :: { passthru, meta, mainProgram } -> drv -> drv
# A program variant (baseline, optimized, bolted, best, a repair) as the package's user
# sees it: with the user's passthru and meta, and the binary `nix run` starts; the stage's
# own passthru (profile, deps, …) stays reachable. Shared by buildPgoPackage and
# buildGoPgoPackage.
{ passthru, meta, mainProgram }:
drv:
drv
// passthru
  // {
  meta = drv.meta // { inherit mainProgram; } // meta;
  passthru = drv.passthru // passthru;
}
