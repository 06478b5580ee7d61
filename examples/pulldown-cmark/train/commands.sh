# Training: render the Cargo Book's command pages (option lists, code blocks, tables).
for f in "$PGO_INPUTS"/cargo/src/doc/src/commands/*.md; do
  pulldown-cmark -T -F -S -L -H "$f"
done >/dev/null
