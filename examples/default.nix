# The programs of this repository: <name> = the directory whose default.nix builds it
# (`{ nixPgo }: buildPgoPackage { … }`, or buildGoPgoPackage). The flake's packages, legacyPackages, checks and
# hydraJobs are all derived from this list, so adding a program here adds its stages to
# CI. A program is locked when its directory has a pgo.lock.json (then it gets a
# `<name>-profile-fresh` check).
{
  pulldown-cmark = ./pulldown-cmark;
  ripgrep = ./ripgrep;
  jaq = ./jaq;
  rhai = ./rhai;
  # Go (buildGoPgoPackage): the Go distribution's formatter.
  gofmt = ./gofmt;
}
