# How to re-lock a package's profile, for the messages that ask for it (evaluation errors
# and the stages' own, through mkStage's `relockHint`): the package's own updateProfile,
# whatever the user's flake calls the package. (nix-pgo's own flake exposes the demo's as
# `.#update-profile`, and `.#host.update-profile` on the host toolchain.)
"the package's updateProfile (`nix run .#<package>.updateProfile`, with --impure on lib.host)"
