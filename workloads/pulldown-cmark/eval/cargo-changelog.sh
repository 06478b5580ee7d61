# Evaluation (held out from training): Cargo's changelog, long nested lists of links.
# Rendered twice, from a file and from stdin, as the two ways the program reads input.
changelog=$PGO_INPUTS/cargo/src/doc/src/CHANGELOG.md
pulldown-cmark -T -F -S -L -H "$changelog"
pulldown-cmark -T -F -S -L -H <"$changelog"
