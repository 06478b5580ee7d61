# Broad, low-weight training: every mode and extension of the program once, on a small
# part of the training documents (the Cargo Book's guide). Not meant to be representative,
# only to give every feature non-zero counts so that PGO doesn't compile it as cold code.
book=$PGO_INPUTS/cargo/src/doc/src
for f in "$book"/guide/*.md; do
  pulldown-cmark "$f"
  pulldown-cmark -T -F -S -L -H "$f"
  pulldown-cmark -T -F -S -L -H -P -m -G -D -M -U -B -W "$f"
  pulldown-cmark -f -T "$f"
  pulldown-cmark -e -T -F -S -L -H -P -m -G -D -M -U -B -W "$f"
  pulldown-cmark --dry-run -T -F -S -L -H -P -m "$f"
  pulldown-cmark -T -F -S -L -H <"$f"
done >/dev/null
