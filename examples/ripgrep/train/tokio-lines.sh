# Training: tokio's source tree, four search threads: literal alternations,
# case-insensitive and whole-word searches, per-match counts and lists of files with and
# without matches. Files under 63 KiB only, --no-ignore, every allocation its own mmap
# and small sorted output, for the reasons given in cargo-regexes.sh.
export GLIBC_TUNABLES=glibc.malloc.mmap_threshold=0:glibc.malloc.arena_max=1
cd "$PGO_INPUTS/tokio"
rg=(rg -j4 --no-ignore --max-filesize 63K)
"${rg[@]}" --count -e 'async fn' -e 'await' -e 'spawn_blocking' . | sort
"${rg[@]}" --count -i -w 'waker|poll|ready' . | sort
"${rg[@]}" --files-with-matches 'unsafe impl' . | sort
"${rg[@]}" --count-matches -F 'tokio::' . | sort
"${rg[@]}" --files-with-matches 'impl<T: ?Sized>|impl<T>' . | sort
"${rg[@]}" --files-without-match '#\[cfg\(' . | sort
