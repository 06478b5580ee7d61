# pgoSource :: { src, name, exclude } -> path
#
# A package's source as its builds see it (buildPgoPackage's cargo stages,
# buildGoPgoPackage's go builds): `src` without what configures nix-pgo or comes out of
# building, so that editing or producing those rebuilds nothing. Left out, at the top of
# src: `exclude` (the pipeline's lock and checked-in profiles, relative paths), flake.nix
# and flake.lock (where a user configures nix-pgo, `src = ./.;` beside them), and the
# links `nix build` leaves (`result`, `result-*`), and git's `.git` (a git flake's source
# has none; taken as `path:.`, which Nix 2.8 needs for a git flake in a directory whose
# path has a space, it has the repository: every commit would rebuild every stage, the
# Rust trial's finding). That is a path, and any source whose
# files evaluation can read (internal/sourcePath.nix): a flake's `self`, a `builtins.path`
# with the user's own filter, `lib.cleanSource`. A src that is built (a derivation, a
# fetcher's result) is used as it is.
{ src, name, exclude }:
let
  srcPath = import ./sourcePath.nix src;
  top = toString srcPath;
  excluded = map (f: "${top}/${f}") (exclude ++ [ "flake.nix" "flake.lock" ".git" ]);
  isResultLink = path: type:
    type == "symlink" && dirOf path == top
    && builtins.match "result(-.*)?" (baseNameOf path) != null;
in
if srcPath != null then
  builtins.path
  {
    path = srcPath;
    inherit name;
    filter = path: type: !(builtins.elem path excluded || isResultLink path type);
  }
else
  src
