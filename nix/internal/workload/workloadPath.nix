# workloadPath :: path | string -> string
#
# A workload's script or input as the store path the sandbox sees. A local path is
# copied to the store under its base name, as interpolation ("${./testdata}") would copy
# it, so the store path is the same for every name Nix accepts. A name it doesn't accept
# (`./. + "/test data"`: a space; a leading dot) would fail evaluation with "contains
# illegal character": each such character becomes `-`, and a leading dot `_`. A string
# (a store path, a derivation's output) is left as it is.
let
  inherit (builtins) baseNameOf concatStringsSep filter isPath isString split substring stringLength;
  storeName =
    name:
    let
      # split keeps the separators as lists: each run of characters Nix refuses is one `-`.
      parts = split "[^A-Za-z0-9+._?=-]+" name;
      joined = concatStringsSep "-" (filter isString parts);
    in
    if substring 0 1 joined == "." then "_" + substring 1 (stringLength joined) joined else joined;
in
value:
if isPath value then
  builtins.path
  {
    path = value;
    name = storeName (baseNameOf value);
  }
else
  "${value}"
