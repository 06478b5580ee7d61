# Training (one part of the features): parsing prose only. `--dry-run` parses Cargo's
# changelog (long lists of links and inline code, no code blocks) with mdBook's
# extensions and counts the events; the HTML renderer never runs.
pulldown-cmark --dry-run -T -F -S -L -H "$PGO_INPUTS/cargo/src/doc/src/CHANGELOG.md" >/dev/null
