# vendorAttrs :: drv or null -> set
# The vendor stage's attributes of a Go stage that runs go (goBuild, the benchmark
# workloads): `vendor`, the path goModVendor made ("" without one), and `moduleCache`,
# present (true) only when that path is proxyVendor's module cache, which the script
# reads through GOPROXY (goVariables.nix) instead of copying it in as vendor/. Left out
# otherwise, so that a vendor/ build's derivation stays as it was before proxyVendor.
vendor:
{ vendor = if vendor == null then "" else "${vendor}"; }
  // (if import ./isModuleCache.nix vendor then { moduleCache = true; } else { })
