# asProgram :: { passthru, meta, mainProgram, pname, version } -> drv -> drv
# A program variant (baseline, optimized, bolted, best, a repair) as the package's user
# sees it: with the user's passthru and meta, the binary `nix run` starts, and the
# program's pname and version as a mkDerivation package has them (`lib.getName`,
# `"${p.pname}-${p.version}"` in a user's release naming); the stage's own passthru
# (profile, deps, …) stays reachable. Attributes of the value only: the derivation, and
# its name (`<pname>-<stage>-<version>`), are the stage's. Shared by buildPgoPackage and
# buildGoPgoPackage.
{ passthru, meta, mainProgram, pname, version }:
drv:
drv
// passthru
  // {
  inherit pname version;
  meta = drv.meta // { inherit mainProgram; } // meta;
  passthru = drv.passthru // passthru;
}
