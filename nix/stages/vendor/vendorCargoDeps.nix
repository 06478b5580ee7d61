# vendorCargoDeps :: { cargoLock, outputHashes? } -> drv
# Arguments and result: docs/API.md, `vendorCargoDeps`.
#
# A cargo "directory source" holding every dependency named in Cargo.lock: each crates.io
# crate fetched by its own fixed-output derivation whose hash is the lock's checksum, each
# git dependency fetched at the lock's commit and checked against its hash in
# `outputHashes` (like buildRustPackage's `cargoLock.outputHashes`). Nothing here needs
# the network after the fetches; cargo then runs --frozen.
{ fetchCrate
, mkStage
,
}:
{
  # Path to the Cargo.lock to vendor.
  cargoLock
, # Name prefix of the vendor derivation.
  pname ? "cargo"
, # { "<name>-<version>" = "sha256-…"; } for each git dependency: the NAR hash of its
  # repository at the locked commit.
  outputHashes ? { }
,
}:
let
  inherit (builtins)
    attrNames
    concatStringsSep
    elemAt
    filter
    hasAttr
    map
    match
    readFile
    substring
    ;

  lock = fromTOML (readFile cargoLock);
  cratesIo = [
    "registry+https://github.com/rust-lang/crates.io-index"
    "sparse+https://index.crates.io/"
  ];
  isLocal = p: !(hasAttr "source" p);
  isGit = p: substring 0 4 p.source == "git+";
  remote = filter (p: !isLocal p) (lock.package or [ ]);
  key = p: "${p.name}-${p.version}";

  # Fail at evaluation time, naming the package and the way out, rather than in cargo.
  checked =
    p:
    let
      what = "${p.name} ${p.version} (${p.source})";
    in
    if isGit p then
      (
        if outputHashes ? ${key p} then
          p
        else
          throw ''
            vendorCargoDeps: ${toString cargoLock} has a git dependency without a hash, ${what}.
            Give the NAR hash of the repository at that commit (Nix prints it when the hash is wrong):
              outputHashes = { "${key p}" = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="; };
            or depend on a crates.io release instead.''
      )
    else if !(builtins.elem p.source cratesIo) then
      throw "vendorCargoDeps: ${toString cargoLock} has a dependency from another registry, ${what}. nix-pgo vendors crates.io and git dependencies only."
    else if !(p ? checksum) then
      throw "vendorCargoDeps: ${toString cargoLock} has no checksum for ${what} (an old lock format?). Regenerate it with a current cargo (`cargo generate-lockfile`) so every crate has a checksum."
    else
      p;

  packages = map checked remote;
  crates = filter (p: !isGit p) packages;
  gits = filter isGit packages;

  # A hash for a package that isn't a git dependency is stale configuration.
  unused = filter (k: !(builtins.elem k (map key gits))) (attrNames outputHashes);

  # git+<url>[?<branch|tag|rev>=<ref>]#<commit>, read once per git package.
  gitSource =
    p:
    let
      parts = match "git\\+([^?#]+)(\\?([a-z]+)=([^#]+))?#([0-9a-f]+)" p.source;
      at = elemAt parts;
    in
    if parts == null then
      throw "vendorCargoDeps: can't read the git source of ${p.name} ${p.version} in ${toString cargoLock}: ${p.source}"
    else
      {
        inherit (p) name source;
        key = key p;
        url = at 0;
        refKind = at 2;
        ref = at 3;
        commit = at 4;
      };
  gitSources = map gitSource gits;
  # Cargo replaces a git source by the vendored directory when the entry names the same
  # repository and reference (what `cargo vendor` prints).
  gitSourceConfig = g: ''
    [source."${g.source}"]
    git = "${g.url}"
    ${if g.refKind != null then "${g.refKind} = \"${g.ref}\"" else ""}
    replace-with = "vendored-sources"
  '';
  fetchGitPackage =
    g:
    builtins.fetchGit {
      inherit (g) url;
      rev = g.commit;
      allRefs = true;
      narHash = outputHashes.${g.key};
    };
in
if unused != [ ] then
  throw "vendorCargoDeps: outputHashes has ${concatStringsSep ", " unused}, but ${toString cargoLock} has no git dependency of that name and version: remove it."
else
  mkStage {
    name = "${pname}-vendor";
    script = ./vendorCargoDeps.sh;
    # Lists of the same length: the .crate file, its directory name, its checksum.
    crateFiles = map
      (
        p:
        fetchCrate {
          pname = p.name;
          inherit (p) version;
          sha256 = p.checksum;
        }
      )
      crates;
    crateDirs = map key crates;
    # Each crate's .cargo-checksum.json, written by Nix (`files` is empty: cargo then
    # compares only `package`, the lock's checksum, which the fetch used as its sha256).
    crateChecksumFiles = map (p: builtins.toJSON { files = { }; package = p.checksum; }) crates;
    # A git dependency's: no checksum (`package` null), as `cargo vendor` writes.
    gitChecksumFile = builtins.toJSON { files = { }; package = null; };
    # Lists of the same length: the checkout, the package's name, its directory name.
    gitCheckouts = map fetchGitPackage gitSources;
    gitNames = map (g: g.name) gitSources;
    gitDirs = map (g: g.key) gitSources;
    # Appended to the cargo configuration of every build (cargo.sh).
    gitSourcesConfig = concatStringsSep "\n" (map gitSourceConfig gitSources);
    passthru = {
      inherit cargoLock;
      crateCount = builtins.length packages;
      # The lock's packages without a source: workspace members and path dependencies, the
      # crates a dependency build must not keep (cargoBuild.nix).
      localPackages = map (p: p.name) (filter isLocal (lock.package or [ ]));
    };
  }
