# The source tree the dependency builds see (cargoBuild.nix): every Cargo.toml and
# .cargo/config of the project, and an empty `fn main() {}` in place of each .rs file.
# Cargo needs the manifests to resolve and build the dependencies, and a file at each
# target's path; what the project's own crates contain must not matter, so that editing
# them does not rebuild a single dependency (crane's mkDummySrc, without nixpkgs).
#
# For a source that is a path (a local checkout, the usual case, also once copied to the
# store by `builtins.path` or a flake) the manifests are picked
# at evaluation time and the .rs files are only listed by name: the skeleton changes when a
# manifest changes or a .rs file is added, moved or removed, never when one is edited.
# A source that is a derivation (e.g. an unpacked crates.io crate) can only be read at
# build time, so its skeleton is a derivation of it and follows its every change, unless
# the skeleton is content-addressed (contentAddressed = true).
{ mkStage }:
{ pname
, version
, src
, contentAddressed ? false
,
}:
let
  inherit (builtins)
    all
    attrNames
    attrValues
    concatMap
    concatStringsSep
    elem
    getContext
    isPath
    isString
    match
    readDir
    ;
  # A path, or a string whose context holds only store paths of sources (`builtins.path`,
  # flake inputs): readable now. A derivation's output could only be read by building it
  # first (import-from-derivation).
  isSource = isPath src || isString src && all (c: c ? path) (attrValues (getContext src));
  # Never part of the project's sources: build output and version control.
  ignored = [
    "target"
    ".git"
    "result"
  ];
  isManifest = path: match ".*/(Cargo\\.toml|\\.cargo/config(\\.toml)?)" (toString path) != null;

  # The .rs files under dir, relative to it.
  rustFiles =
    dir: prefix:
    let
      entries = readDir dir;
    in
    concatMap
      (
        name:
        let
          type = entries.${name};
        in
        if elem name ignored then
          [ ]
        else if type == "directory" then
          rustFiles (dir + "/${name}") "${prefix}${name}/"
        else if match ".*\\.rs" name != null then
          [ "${prefix}${name}" ]
        else
          [ ]
      )
      (attrNames entries);

  fromPath = {
    manifests = builtins.path {
      path = src;
      name = "${pname}-${version}-manifests";
      filter =
        path: type: if type == "directory" then !elem (baseNameOf path) ignored else isManifest path;
    };
    rustFiles = concatStringsSep "\n" (rustFiles src "");
  };
in
mkStage (
  {
    name = "${pname}-${version}-skeleton";
    script = ./skeleton.sh;
    inherit contentAddressed;
  }
    // (if isSource then fromPath else { inherit src; })
)
