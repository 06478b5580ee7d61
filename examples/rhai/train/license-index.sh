# Training: a Rhai program over the SPDX License List's index (licenses.json, 740
# licenses, 340 KB), embedded in the script as a string and read with `parse_json`:
# object maps, arrays and closures (filter, map, reduce, sort with a comparator), string
# scanning and building, recursion, switch. Run by the tree-walking interpreter and, via
# `grain-compile`, by the Grain bytecode VM; `grain-dump` disassembles it.
json=$PGO_INPUTS/spdx/license-list-data/json/licenses.json
# A Rhai string literal with the file's text: JSON has no raw newline inside a string, so
# newlines become spaces; backslashes and quotes are escaped.
embed() {
  printf 'let %s = "' "$1"
  tr '\n' ' ' <"$2" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'
  printf '";\n'
}
{
  embed json "$json"
  cat <<'RHAI'
let list = parse_json(json);
let licenses = list.licenses;
print(`SPDX ${list.licenseListVersion}: ${licenses.len()} licenses`);

fn family(id) {
    let out = "";
    for c in id.chars() {
        if (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') { out += c } else { break }
    }
    out
}

fn host(url) {
    let s = url;
    for prefix in ["https://", "http://"] {
        if s.starts_with(prefix) { s = s.sub_string(prefix.len()); }
    }
    let slash = s.index_of('/');
    if slash >= 0 { s = s.sub_string(0, slash); }
    if s.starts_with("www.") { s = s.sub_string(4); }
    s
}

fn by_count_then_key(a, b) {
    if a[1] != b[1] { b[1] - a[1] } else if a[0] < b[0] { -1 } else if a[0] > b[0] { 1 } else { 0 }
}

fn top(counts, n) {
    let pairs = [];
    for k in counts.keys() { pairs.push([k, counts[k]]); }
    pairs.sort(by_count_then_key);
    pairs.extract(0, n)
}

// Called as a method (`counts.count(key)`), so that `this` is the caller's map and not a
// copy: Rhai passes function arguments by value.
fn count(key) {
    this[key] = (this[key] ?? 0) + 1;
}

// OSI / FSF / deprecated, in one pass.
let stats = #{ osi: 0, fsf: 0, deprecated: 0, both: 0 };
for l in licenses {
    let fsf = l.isFsfLibre ?? false;
    if l.isOsiApproved { stats.osi += 1 }
    if fsf { stats.fsf += 1 }
    if l.isOsiApproved && fsf { stats.both += 1 }
    if l.isDeprecatedLicenseId { stats.deprecated += 1 }
}
print(stats);

// Families of identifiers (GPL, BSD, CC, ...) and the hosts their references point to.
let families = #{};
let hosts = #{};
for l in licenses {
    families.count(family(l.licenseId));
    for url in l.seeAlso { hosts.count(host(url)); }
}
for f in top(families, 12) { print(`${f[0]} ${f[1]}`); }
for h in top(hosts, 12) { print(`${h[0]} ${h[1]}`); }

// Version numbers in identifiers, and words in names.
let versions = #{};
let words = #{};
for l in licenses {
    let parts = l.licenseId.split('-');
    for p in parts {
        if p.len() > 0 && p[0] >= '0' && p[0] <= '9' { versions.count(p); }
    }
    for w in l.name.to_lower().split(' ') {
        w.trim();
        if w.len() > 3 { words.count(w); }
    }
}
print(top(versions, 10));
print(top(words, 15));

// The licenses sorted by reference number, as TSV and as a checksum of the lines.
let sorted = licenses.map(|l| #{ id: l.licenseId, ref: l.referenceNumber, n: l.seeAlso.len() });
sorted.sort(|a, b| a.ref - b.ref);
let checksum = sorted.reduce(|sum, l| (sum * 31 + l.ref * 7 + l.n + l.id.len()) % 1_000_000_007, 0);
print(`checksum ${checksum}`);
for l in sorted.extract(0, 20) { print(`${l.ref} ${l.id} ${l.n}`); }

// Identifier shapes and license groups (by switch).
let shapes = #{};
let groups = #{};
for l in licenses {
    let id = l.licenseId;
    let shape = if id.ends_with("-only") { "only" } else if id.ends_with("-or-later") { "or-later" }
        else if id.contains("-with-") { "with" } else if id.len() <= 4 { "short" } else { "other" };
    shapes.count(shape);
    let group = switch family(id) {
        "GPL" | "LGPL" | "AGPL" | "GFDL" => "gnu",
        "BSD" | "MIT" | "ISC" | "X" => "permissive",
        "CC" => "creative-commons",
        "Apache" | "MPL" | "EPL" | "CDDL" => "weak-copyleft",
        _ => "other"
    };
    groups.count(group);
}
print(groups);
print(shapes);

// Longest names, and a string rebuilt character by character.
let names = licenses.map(|l| l.name);
names.sort(|a, b| if a.len() != b.len() { b.len() - a.len() } else if a < b { -1 } else { 1 });
for n in names.extract(0, 5) {
    let initials = "";
    for w in n.split(' ') { if w.len() > 0 { initials += w[0]; } }
    print(`${n.len()} ${initials}`);
}
RHAI
} >index.rhai
# rhai-run reports a script's error on stderr and still exits 0: any stderr fails the run.
for _ in 1 2 3; do
  rhai-run index.rhai
  grain-compile index.rhai index.rgrn
  grain-dump index.rgrn
  rhai-run index.rgrn
done >/dev/null 2>errors
if [ -s errors ]; then cat errors >&2 && exit 1; fi
