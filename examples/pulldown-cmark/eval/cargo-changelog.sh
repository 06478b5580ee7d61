# Evaluation (held out from training): Cargo's changelog, long nested lists of links.
# Rendered from a file and from stdin, the two ways the program reads input, and four
# times over so that one run takes long enough to time.
changelog=$PGO_INPUTS/cargo/src/doc/src/CHANGELOG.md
for _ in 1 2 3 4; do
  pulldown-cmark -T -F -S -L -H "$changelog"
  pulldown-cmark -T -F -S -L -H <"$changelog"
done
