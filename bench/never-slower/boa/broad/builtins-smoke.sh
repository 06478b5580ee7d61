# Broad (used only by the optimized-broad repair, at a low weight): a smoke test of many
# builtins on small data, none of it the evaluation's script: objects, strings, regular
# expressions, JSON, and arrays and typed arrays copied a few times (slice, concat,
# spread, Array.from, copyWithin, set) on a hundred elements.
cat >smoke.js <<'EOF2'
const o = { a: 1, b: "two", c: [3, 4] };
const k = Object.keys(o).join(",") + JSON.stringify(Object.entries(o));
const re = /([a-z]+)(\d+)/g;
let m, found = 0;
const text = "ab12 cd345 ef6 gh78 ";
while ((m = re.exec(text)) !== null) found += m[2].length;
const xs = Array.from({ length: 100 }, (_, i) => i * 2);
let s = 0;
for (let r = 0; r < 5; r++) {
  const ys = xs.slice(r).concat([r]);
  const zs = [...ys, ...xs.slice(0, 3)];
  zs.copyWithin(0, 10, 20);
  const t = new Float64Array(zs.length);
  t.set(zs);
  const u = Int8Array.from(t.slice(0, 50));
  s += zs.length + t[5] + u[3] + zs.map((v) => v + 1).filter((v) => v % 3 === 0).reduce((p, v) => p + v, 0);
}
const sorted = xs.slice().reverse().sort((p, q) => p - q).indexOf(42);
console.log(k, found, s, sorted, "x".padStart(5, "-"), [1, [2, [3]]].flat(2).length);
EOF2
boa smoke.js
