# Evaluation (held out from training): changelogs of tokio, regex, nom and mdBook,
# four times over so that one run takes long enough to time.
for _ in 1 2 3 4; do
  for crate in tokio regex nom mdbook; do
    pulldown-cmark -T -F -S -L -H "$PGO_INPUTS/$crate/CHANGELOG.md"
  done
done
