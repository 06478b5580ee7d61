# isModuleCache :: drv or null -> bool
# Whether goModVendor's result is proxyVendor's module cache (read through GOPROXY with
# -mod=mod) rather than a vendor/ directory: the one test goVariables.nix and
# vendorAttrs.nix share.
vendor: vendor != null && vendor.proxyVendor or false
