# shellcheck shell=bash
# go mod vendor ($mode = vendor: vendor/) or go mod download ($mode = download: the module
# cache's download/ directory) into $out.
# shellcheck disable=SC2154 # the attributes come from .attrs.sh
# shellcheck source=/dev/null
source "$goEnv"
# The whole source, so that `replace` directives to its directories resolve.
cp -r "$src" "$NIX_BUILD_TOP/source"
chmod -R u+w "$NIX_BUILD_TOP/source"
cd "$NIX_BUILD_TOP/source/$modRoot" || exit
[ -f go.mod ] || die "no go.mod in src/$modRoot: buildGoPgoPackage builds Go modules (set modRoot to the directory holding go.mod)."
rm -rf vendor
if [ "$mode" = download ]; then command=(mod download); else command=(mod vendor); fi
# (Unset, go uses its default.)
proxy=${GOPROXY:-https://proxy.golang.org,direct}
log "go ${command[*]} (GOPROXY=$proxy)"
"$goBin" "${command[@]}" 2>"$NIX_BUILD_TOP/vendor.log" || {
  cat "$NIX_BUILD_TOP/vendor.log" >&2
  go_too_new "$NIX_BUILD_TOP/vendor.log"
  die "go ${command[*]} failed (above). A dependency that is not in src is downloaded from GOPROXY ($proxy${GOPROXY:+, from the environment}), which needs the network in this fixed-output derivation. Either:
  - let the build reach the proxy, or set GOPROXY (and http_proxy/https_proxy) in the environment of \`nix build\`, or of the Nix daemon when there is one: the derivation takes them from there (impureEnvVars); a private proxy's modules need their go.sum lines in src;
  - put the dependency in src and point a \`replace\` directive of go.mod at its directory (then nothing is downloaded);
  - or commit vendor/ (\`go mod vendor\`; with flakes, \`git add vendor\`) and set \`vendorHash = null;\`."
}
cat "$NIX_BUILD_TOP/vendor.log" >&2
if [ "$mode" = download ]; then
  # The checksum database's cache is the only part go fetched for itself, not a module.
  rm -rf "$GOPATH/pkg/mod/cache/download/sumdb"
  [ -n "$(ls -A "$GOPATH/pkg/mod/cache/download" 2>/dev/null)" ] ||
    die "go mod download fetched nothing: every dependency of the module is in src (a replace directive to one of its directories), or it has none. Without proxyVendor, \`go mod vendor\` vendors those in src; with no dependencies, set vendorHash = null."
  cp -r "$GOPATH/pkg/mod/cache/download" "$out"
else
  [ -f vendor/modules.txt ] || die "go mod vendor wrote no vendor/modules.txt: the module has no dependencies to vendor. Set vendorHash = null."
  cp -r vendor "$out"
fi
