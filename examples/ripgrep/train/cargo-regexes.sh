# Training: ten regexes over cargo's source tree, four search threads (more than this
# machine's cores, so they contend on the same hot code). What each thread does must not
# depend on which files it got (REPRODUCIBILITY.md):
# - only files under 63 KiB (--max-filesize; 1,500 of cargo's files, the largest 62,699
#   bytes; tokio: 520, the largest 63,281 bytes): each fits ripgrep's initial 64 KiB read
#   buffer, so no thread's buffer grows;
# - --no-ignore: ignore files are matched by a glob set whose regex caches all threads
#   share (regex-automata's pool: who takes the fast path is a race);
# - glibc hands every allocation its own mmap (one arena, mmap threshold 0), so every
#   buffer starts at the same offset in a page and memchr's vector loops, which depend
#   on a haystack's alignment, take the same path whichever thread searches a file;
# - small output (counts per file), sorted: threads finish files in any order.
export GLIBC_TUNABLES=glibc.malloc.mmap_threshold=0:glibc.malloc.arena_max=1
cd "$PGO_INPUTS/cargo"
for pattern in \
  '\bfn [a-z_][a-z0-9_]*\(' \
  '\bpub(\(crate\))? (struct|enum|trait) [A-Z][A-Za-z0-9]*' \
  '[A-Z][a-z]+Error\b' \
  '"[^"]*\.toml"' \
  '(?i)todo|fixme|xxx' \
  '\b[0-9]+\.[0-9]+\.[0-9]+\b' \
  '\.(unwrap|expect)\(' \
  '\b(match|if let|while let) ' \
  '^\s*#\[(test|cargo_test)\]' \
  '[a-z]+_[a-z]+_[a-z]+'; do
  rg -j4 --no-ignore --max-filesize 63K --count -e "$pattern" . | sort
done
