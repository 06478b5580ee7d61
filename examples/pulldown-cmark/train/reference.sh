# Training: render the Cargo Book's reference chapters with mdBook's extensions.
for f in "$PGO_INPUTS"/cargo/src/doc/src/reference/*.md; do
  pulldown-cmark -T -F -S -L -H "$f"
done >/dev/null
