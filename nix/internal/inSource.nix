# inSource :: src -> string -> path or string or null
#
# A file of a package's source found by convention (pgo.lock.json, default.pgo, the
# checked-in profiles, go.mod): `inSource src "pgo.lock.json"`, or null when src has none or
# can't be read at evaluation (sourcePath.nix). buildPgoPackage and buildGoPgoPackage share it.
src:
let
  root = import ./sourcePath.nix src;
in
rel: if root != null && builtins.pathExists (root + "/${rel}") then root + "/${rel}" else null
