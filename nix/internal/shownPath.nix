# shownPath :: path -> string
#
# A file as the user knows it, for messages: a path in a flake is its copy in the store,
# so a path inside a store path is named first as ./<path> of that tree (relative to the
# root of what Nix copied, the flake's), then by the copy. Any other path as it is.
path:
let
  s = toString path;
  inStore = builtins.match "${builtins.storeDir}/[^/]+/(.+)" s;
in
if inStore == null then s else "./${builtins.head inStore} of the tree Nix copied to the store (a flake's source), ${s}"
