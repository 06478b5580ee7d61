# How to lock a new choice (lockChoice), for lockedChoice.nix's refusals: the package's
# updateChoice, which keeps the locked profile, or its updateProfile, which retrains it.
# (The choice alone is the usual case: an evaluation workload added or changed.)
"run the package's updateChoice (`nix run .#<package>.updateChoice`, with --impure on lib.host), which evaluates the variants built from the locked profile and keeps that profile, or its updateProfile, which retrains the profile too,"
