# shellcheck shell=bash
# go mod vendor, offline, into $out.
# shellcheck disable=SC2154 # the attributes come from .attrs.sh
# shellcheck source=/dev/null
source "$goEnv"
# The whole source, so that `replace` directives to its directories resolve.
cp -r "$src" "$NIX_BUILD_TOP/source"
chmod -R u+w "$NIX_BUILD_TOP/source"
cd "$NIX_BUILD_TOP/source/$modRoot" || exit
[ -f go.mod ] || die "no go.mod in src/$modRoot: buildGoPgoPackage builds Go modules (set modRoot to the directory holding go.mod)."
rm -rf vendor
"$goBin" mod vendor 2>"$NIX_BUILD_TOP/vendor.log" || {
  cat "$NIX_BUILD_TOP/vendor.log" >&2
  die "go mod vendor failed (above). Without network (GOPROXY=off) every dependency must come from src, through a replace directive to one of its directories; a module of the proxy needs \`proxyVendor = true\` (buildGoPgoPackage's; goModVendor's \`proxy\`) on a machine that can reach proxy.golang.org."
}
cat "$NIX_BUILD_TOP/vendor.log" >&2
[ -f vendor/modules.txt ] || die "go mod vendor wrote no vendor/modules.txt: the module has no dependencies to vendor. Set vendorHash = null."
cp -r vendor "$out"
