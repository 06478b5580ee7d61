# rootMarker :: { args, srcPath, lockPath, marker } -> string or null
#
# What update-profile, run without paths, must find where it runs, so that its default
# paths (lockPath, and the copies beside the lock) lead into src: `marker`, a file at src's
# root (go.mod, Cargo.lock), in the lock's directory. Run elsewhere it would write a lock
# the package never reads (the go trial, from cmd/log-digest/), so it refuses, writing
# nothing. null when the package doesn't read src's own pgo.lock.json: a lockFile given
# (even null), or a src Nix can't read at evaluation. buildPgoPackage and
# buildGoPgoPackage share it, as they share lockSource.nix.
{
  # The package's arguments (to tell a given lockFile from none).
  args
, # src where evaluation reads it (sourcePath.nix), or null.
  srcPath
, # Where update-profile writes the lock, relative to where it runs.
  lockPath
, # The file at src's root, relative to it.
  marker
}:
let dir = builtins.dirOf lockPath; in
if args ? lockFile || srcPath == null then null
else if dir == "." then marker
else "${dir}/${marker}"
