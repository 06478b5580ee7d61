# Training: a Rhai program over the full texts of the 40 SPDX licenses whose identifiers
# start with M (details/M*.json, 860 KB of JSON), embedded in the script as an array of
# strings and read with `parse_json`: splitting, character classes and case, word and
# word-pair counts in object maps, string building. Run by the tree-walking interpreter
# and, via `grain-compile`, by the Grain bytecode VM; `grain-dump` disassembles it.
details=$PGO_INPUTS/spdx/license-list-data/json/details
# A Rhai string literal with a file's text: JSON has no raw newline inside a string, so
# newlines become spaces; backslashes and quotes are escaped.
literal() {
  printf '"'
  tr '\n' ' ' <"$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'
  printf '"'
}
{
  printf 'let docs = [\n'
  for f in "$details"/M*.json; do
    literal "$f"
    printf ',\n'
  done
  printf '];\n'
  cat <<'RHAI'
fn is_letter(c) { (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// Lower-case words of letters only.
fn words(text) {
    let out = [];
    let word = "";
    for c in text.chars() {
        if is_letter(c) {
            word += c;
        } else if word.len() > 0 {
            out.push(word.to_lower());
            word = "";
        }
    }
    if word.len() > 0 { out.push(word.to_lower()) }
    out
}

fn count(key) { this[key] = (this[key] ?? 0) + 1; }

fn top(counts, n) {
    let pairs = [];
    for k in counts.keys() { pairs.push([k, counts[k]]); }
    pairs.sort(|a, b| if a[1] != b[1] { b[1] - a[1] } else if a[0] < b[0] { -1 } else { 1 });
    pairs.extract(0, n)
}

let all_words = #{};
let all_pairs = #{};
for doc in docs {
    let l = parse_json(doc);
    let text = l.licenseText;
    let w = words(text);
    let lines = text.split('\n');
    let longest = lines.reduce(|m, s| if s.len() > m { s.len() } else { m }, 0);
    let sentences = text.split(". ").len();
    let caps = 0;
    for c in text.chars() { if c >= 'A' && c <= 'Z' { caps += 1 } }
    let digest = 0;
    for c in text.chars() { digest = (digest * 131 + c.to_int()) % 1_000_000_007; }
    print(`${l.licenseId}: ${text.len()} chars, ${w.len()} words, ${lines.len()} lines (longest ${longest}), ${sentences} sentences, ${caps} capitals, digest ${digest}`);
    let mine = #{};
    for x in w { mine.count(x); all_words.count(x); }
    for i in 1..w.len() { all_pairs.count(w[i - 1] + " " + w[i]); }
    let shouting = w.filter(|x| x.len() > 8).map(|x| x.to_upper());
    shouting.dedup();
    print(`  ${top(mine, 3)} ${shouting.extract(0, 3)}`);
    let title = l.name;
    title.replace("License", "Lic.");
    title.pad(60, '.');
    print(`  ${title} ${if l.isOsiApproved { "OSI" } else { "-" }}`);
}
print(top(all_words, 25));
print(top(all_pairs, 25));
RHAI
} >texts.rhai
# rhai-run reports a script's error on stderr and still exits 0: any stderr fails the run.
{
  rhai-run texts.rhai
  grain-compile texts.rhai texts.rgrn
  grain-dump texts.rgrn
  rhai-run texts.rgrn
} >/dev/null 2>errors
if [ -s errors ]; then cat errors >&2 && exit 1; fi
