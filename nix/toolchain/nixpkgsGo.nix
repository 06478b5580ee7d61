# nixpkgs' Go: `pkgs.go`. Its GOROOT is $out/share/go (pkgs/development/compilers/go/1.2x.nix
# copies bin, pkg, src, … there and links $out/bin/go to it). Go PGO (`-pgo=`) exists since
# Go 1.21, so an older `go` is refused here, before anything is built.
{ pkgs }:
let
  inherit (pkgs) lib go;
  inherit (builtins) hashString substring unsafeDiscardStringContext;
in
if !lib.versionAtLeast go.version "1.21" then
  throw ''
    nix-pgo nixpkgs Go: pkgs.go is Go ${go.version}, and profile-guided optimization (`go build -pgo=`) needs Go >= 1.21. Either
      - use a newer nixpkgs (23.11 or later has Go >= 1.21 as `go`), or
      - give the library a newer Go: an overlay `final: prev: { go = final.go_1_22; }` on the nixpkgs you pass to `nix-pgo.lib.forPkgs`.''
else
  {
    goroot = "${go}/share/go";
    inherit (go) version;
    go = lib.getExe' go "go";
    # As nixpkgs.nix's Rust id: the version and the store path (context discarded: it is
    # an environment string and a lock file key; the go package is an input of every Go stage).
    id = "nixpkgs-go-${go.version}-${pkgs.stdenv.hostPlatform.system}-${substring 0 16 (hashString "sha256" (unsafeDiscardStringContext (toString go)))}";
  }
