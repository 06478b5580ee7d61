# Evaluation, held-out part: code blocks rendered to HTML. mdBook's front-end sources
# (highlight.js, the search scripts, the page template), each in a fenced code block:
# the fenced-code parser and the HTML renderer never ran in training.
front=$PGO_INPUTS/mdbook/src/front-end
for f in "$front"/js/highlight.js "$front"/searcher/*.js "$front"/templates/index.hbs; do
  printf '```\n'
  cat "$f"
  printf '\n```\n\n'
done >code.md
pulldown-cmark code.md
