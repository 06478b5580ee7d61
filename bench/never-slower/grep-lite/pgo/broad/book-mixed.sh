# Broad (used only by the optimized-broad repair, at a low weight): a little of every
# kind of search on text neither training nor evaluation reads (the Cargo Book's
# Markdown): literals, case-insensitive and whole-word patterns, Unicode classes, captures.
# Never the evaluation's data or patterns.
pages=$(find "$PGO_INPUTS"/cargo/src/doc/src/guide -name '*.md' | LC_ALL=C sort)
# shellcheck disable=SC2086 # one argument per file (store paths have no spaces)
{
  grep-lite -c cargo $pages
  grep-lite -i -w -c 'crates?|packages?' $pages
  grep-lite -o '`([a-z-]+)`' $pages | tail -n 50
  grep-lite -w -c '\p{Lu}[\p{Ll}]+' $pages
}
