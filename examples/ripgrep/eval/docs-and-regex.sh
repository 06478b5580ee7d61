# Evaluation (held out from training): mdBook's and regex's source trees, other patterns,
# one search thread (-j1): evaluation measures, and callgrind's instruction counts of a
# single-threaded search are exact, so this derivation rebuilds bit-identically.
cd "$PGO_INPUTS"
rg -j1 -n '\bimpl\b.*\bfor\b' mdbook/ regex/ | sort
rg -j1 -n -i 'deprecated|unstable' mdbook/ regex/ | sort
rg -j1 -c '\b(let|const|static) [a-z_]+: [A-Z]' mdbook/ regex/ | sort
