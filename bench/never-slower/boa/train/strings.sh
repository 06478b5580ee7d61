# Training: strings built, searched, sliced, replaced and formatted by template literals;
# JSON.stringify and JSON.parse of an array of records. No array is copied (no slice,
# concat, spread, Array.from, copyWithin nor typed array).
cat >strings.js <<'EOF'
// Strings: building, searching, replacing, templates, JSON.
let s = "";
for (let i = 0; i < 6000; i++) s += String.fromCharCode(97 + (i * 31) % 26);
let vowels = 0;
for (let i = 0; i < s.length; i++) if ("aeiou".indexOf(s[i]) >= 0) vowels++;
const words = [];
for (let i = 0; i + 5 <= 3000; i += 5) words.push(s.substring(i, i + 5));
let upper = 0;
for (const w of words) if (w.toUpperCase().startsWith("A")) upper++;
const replaced = s.replaceAll("ab", "XY").replace("cd", "--");
const people = [];
for (let i = 0; i < 400; i++) people.push({ name: `person ${i}`, age: i % 90, tags: { a: i % 3, b: "x" + i } });
const text = JSON.stringify({ people });
const back = JSON.parse(text);
let ages = 0;
for (const p of back.people) ages += p.age;
const lines = [];
for (let i = 0; i < 2000; i++) lines.push(`${i}: ${words[i % words.length]} ${i % 13 === 0 ? "fizz" : "buzz"}`);
let hash = 0;
for (const l of lines) for (let j = 0; j < l.length; j++) hash = (hash * 31 + l.charCodeAt(j)) % 1000000007;
console.log(vowels, words.length, upper, replaced.length, text.length, ages, hash);
EOF
boa strings.js
