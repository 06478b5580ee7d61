# Evaluation (held out from training): a Rhai program over data no training workload
# reads: the SPDX license *exceptions* (the index exceptions.json and the texts of
# exceptions/[A-L]*.json) and jiter's benchmark arrays of numbers (benches/*.json), each
# embedded in the script as a string and read with `parse_json`. Other operations than
# training's: word pairs, keys/contains/index_of, floating-point statistics, integer
# arithmetic, sorting numbers. Run by the tree-walking interpreter and, via
# `grain-compile`, by the Grain bytecode VM; both must print the same.
json=$PGO_INPUTS/spdx/license-list-data/json
benches=$PGO_INPUTS/jiter/benches
# A Rhai string literal with a file's text: JSON has no raw newline inside a string, so
# newlines become spaces; backslashes and quotes are escaped.
literal() {
  printf '"'
  tr '\n' ' ' <"$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'
  printf '"'
}
{
  printf 'let index = %s;\n' "$(literal "$json"/exceptions.json)"
  printf 'let texts = [\n'
  for f in "$json"/exceptions/[A-L]*.json; do
    literal "$f"
    printf ',\n'
  done
  printf '];\n'
  printf 'let numbers = [\n'
  for f in short_numbers floats_array doubles_array short_floats; do
    printf '["%s", %s],\n' "$f" "$(literal "$benches/$f.json")"
  done
  printf '];\n'
  cat <<'RHAI'
fn tally(key, n) { this[key] = (this[key] ?? 0) + n; }

fn sorted_entries(m) {
    let keys = m.keys();
    keys.sort();
    keys.map(|k| `${k}=${m[k]}`)
}

// The index: which licenses the exceptions name, by the words of their names.
let ex = parse_json(index).exceptions;
print(`${ex.len()} exceptions`);
let deprecated = ex.filter(|e| e.isDeprecatedLicenseId).map(|e| e.licenseExceptionId);
print(`deprecated: ${deprecated}`);
let named = #{};
for e in ex {
    for lic in ["GPL", "LGPL", "Classpath", "LLVM", "Autoconf", "Bison", "GCC", "Qt", "Font"] {
        if e.name.index_of(lic) >= 0 || e.licenseExceptionId.contains(lic) { named.tally(lic, 1); }
    }
    named.tally(`refs-${e.seeAlso.len()}`, 1);
}
print(sorted_entries(named));
let ids = ex.map(|e| e.licenseExceptionId.to_lower());
ids.sort();
print(`${ids[0]} .. ${ids[ids.len() - 1]}; ${ids.filter(|i| i.ends_with("-exception")).len()} end in -exception`);

// The texts: word pairs of each exception, and which exceptions share their most common pair.
let pair_owners = #{};
for t in texts {
    let e = parse_json(t);
    let text = e.licenseExceptionText.to_lower();
    text.replace("\n", " ");
    let w = [];
    for word in text.split(' ') {
        let clean = "";
        for c in word.chars() { if c >= 'a' && c <= 'z' { clean += c } }
        if clean.len() > 0 { w.push(clean) }
    }
    let pairs = #{};
    for i in 1..w.len() { pairs.tally(w[i - 1] + "_" + w[i], 1); }
    let best = "";
    let best_n = 0;
    for k in pairs.keys() {
        if pairs[k] > best_n || (pairs[k] == best_n && k < best) { best = k; best_n = pairs[k]; }
    }
    pair_owners.tally(best, 1);
    let paragraphs = e.licenseExceptionText.split("\n\n").filter(|p| { let q = p; q.trim(); q.len() > 0 });
    print(`${e.licenseExceptionId}: ${w.len()} words, ${paragraphs.len()} paragraphs, top pair ${best} x${best_n}, keys ${e.keys().len()}, gpl ${text.contains("gpl") || text.contains("general public")}`);
}
print(sorted_entries(pair_owners));

// Numbers: mean, spread, median, a histogram and an integer digest of each array.
for n in numbers {
    // parse_json reads an object map: the array goes in one.
    let xs = parse_json("{\"xs\": " + n[1] + "}").xs;
    let sum = 0.0;
    for x in xs { sum += x.to_float(); }
    let mean = sum / xs.len();
    let variance = 0.0;
    for x in xs { let d = x.to_float() - mean; variance += d * d; }
    variance /= xs.len();
    let s = xs.map(|x| x.to_float());
    s.sort(|a, b| if a < b { -1 } else if a > b { 1 } else { 0 });
    let hist = #{};
    for x in s { hist.tally(`${(x.abs().to_int() % 10)}`, 1); }
    let digest = 0;
    for x in s { digest = (digest * 31 + (x * 1000.0).floor().to_int()) % 1_000_000_007; }
    print(`${n[0]}: n=${xs.len()} mean=${mean.round()} sd=${variance.sqrt().floor()} min=${s[0]} median=${s[s.len() / 2]} max=${s[s.len() - 1]} digest=${digest}`);
    print(`  ${sorted_entries(hist)}`);
}
RHAI
} >exceptions.rhai
# rhai-run reports a script's error on stderr and still exits 0: any stderr fails the run.
{
  rhai-run exceptions.rhai
  grain-compile exceptions.rhai exceptions.rgrn >/dev/null
  rhai-run exceptions.rgrn
} 2>errors
if [ -s errors ]; then cat errors >&2 && exit 1; fi
