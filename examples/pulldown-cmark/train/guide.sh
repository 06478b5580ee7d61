# Training: render the Cargo Book's guide, getting-started and appendix chapters.
book=$PGO_INPUTS/cargo/src/doc/src
for f in "$book"/guide/*.md "$book"/getting-started/*.md "$book"/appendix/*.md "$book"/index.md "$book"/faq.md; do
  pulldown-cmark -T -F -S -L -H "$f"
done >/dev/null
