# sourcePath :: any -> path or string or null
#
# `x` as something whose files can be read while evaluating without building anything: a
# path; a store path of a source, as a string (`builtins.path` or `builtins.filterSource`
# with a filter); an attribute set with such an outPath and no drvPath (a flake's `self`,
# nixpkgs' `lib.cleanSource`). null for anything else: reading a derivation's output would
# build it during evaluation, and a string without context may not be in the store at all.
# Used to find files by convention (pgo.lock.json, default.pgo) in a package's src.
x:
let
  inherit (builtins) all attrValues getContext hasContext isAttrs isPath isString;
  value = if isAttrs x && x ? outPath && !(x ? drvPath) then x.outPath else x;
  isSource = c: !(c ? outputs || c ? allOutputs);
in
if isPath value then value
else if isString value && hasContext value && all isSource (attrValues (getContext value)) then value
else null
