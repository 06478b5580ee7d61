# Training: cargo's and tokio's trees together, four search threads: a list of fixed
# strings from a file, an inverted match, per-match counts of macro calls and a
# smart-case pattern. Files under 63 KiB only, --no-ignore, every allocation its own mmap
# and small sorted output, for the reasons given in cargo-regexes.sh. The macro-call count
# uses ASCII word boundaries (--no-unicode): with Unicode ones the lazy DFA gives up on
# the seven candidate lines that hold non-ASCII text, in several files, and hands them to
# the bounded backtracker, whose cache a thread creates on first use, so the count of
# those creations depends on which threads got those files.
export GLIBC_TUNABLES=glibc.malloc.mmap_threshold=0:glibc.malloc.arena_max=1
printf '%s\n' Result Option Vec HashMap BTreeMap Arc Mutex RwLock Box String >"$TMPDIR/words"
rg=(rg -j4 --no-ignore --max-filesize 63K)
"${rg[@]}" --count -w -F -f "$TMPDIR/words" "$PGO_INPUTS/cargo" "$PGO_INPUTS/tokio" | sort
"${rg[@]}" --count -v '^\s*(//|$)' "$PGO_INPUTS/cargo" "$PGO_INPUTS/tokio" | sort
"${rg[@]}" --count-matches --no-unicode '\b[a-z_]+!' "$PGO_INPUTS/cargo" "$PGO_INPUTS/tokio" | sort
"${rg[@]}" --count -S 'self\.[a-z_]+\(' "$PGO_INPUTS/cargo" "$PGO_INPUTS/tokio" | sort
