# Evaluation, trained part: what training did (parse prose with mdBook's extensions,
# count the events), on documents training never saw: the changelogs of tokio, regex,
# nom and mdBook.
for crate in tokio regex nom mdbook; do
  pulldown-cmark --dry-run -T -F -S -L -H "$PGO_INPUTS/$crate/CHANGELOG.md"
done
