# Evaluation (held out from training): changelogs of tokio, regex, nom and mdBook.
for crate in tokio regex nom mdbook; do
  pulldown-cmark -T -F -S -L -H "$PGO_INPUTS/$crate/CHANGELOG.md"
done
