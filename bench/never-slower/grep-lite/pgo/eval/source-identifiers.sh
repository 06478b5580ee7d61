# Evaluation, held out from training: another kind of text (Rust source code, the regex
# crate's own) searched another way: Unicode word boundaries and classes, captures of
# identifiers (`-o`), case-insensitive words. The engines that handle these (the PikeVM,
# the bounded backtracker, Unicode word-boundary look-around) barely run in training.
sources=$(find "$PGO_INPUTS"/regex/src -name '*.rs' | LC_ALL=C sort)
# shellcheck disable=SC2086 # one argument per file (store paths have no spaces)
{
  grep-lite -w -o 'fn\s+(\p{L}\w*)' $sources
  grep-lite -w -c 'Regex\w*|\p{Lu}\w+(Error|Kind)' $sources
  grep-lite -i -w -o 'let\s+(mut\s+)?(\w+)' $sources | tail -n 200
}
