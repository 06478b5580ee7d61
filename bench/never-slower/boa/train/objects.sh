# Training: objects, classes with getters and inheritance, closures, Map and Set, for-in
# over records, a reduce over composed functions: what an object-heavy script runs. No
# array is copied (no slice, concat, spread, Array.from, copyWithin nor typed array).
cat >objects.js <<'EOF'
// Objects, classes, closures, Map and Set.
class Vec {
  constructor(x, y) { this.x = x; this.y = y; }
  add(o) { return new Vec(this.x + o.x, this.y + o.y); }
  scale(k) { return new Vec(this.x * k, this.y * k); }
  get norm1() { return Math.abs(this.x) + Math.abs(this.y); }
}
class Particle extends Vec {
  constructor(x, y, id) { super(x, y); this.id = id; }
  tag() { return `p${this.id}`; }
}
function counter() { let n = 0; return { inc: () => ++n, get: () => n }; }
const N = 4000;
let acc = new Vec(0, 0);
const c = counter();
for (let i = 0; i < N; i++) {
  const p = new Particle(i % 7, i % 11, i);
  acc = acc.add(p.scale(2));
  if (p.norm1 > 10) c.inc();
}
const counts = new Map();
const seen = new Set();
for (let i = 0; i < N; i++) {
  const k = "k" + (i * 7919 % 613);
  counts.set(k, (counts.get(k) || 0) + 1);
  seen.add(i % 1021);
}
const rec = {};
for (let i = 0; i < 1000; i++) {
  rec["f" + (i % 97)] = { n: i, inner: { v: i * 2, tag: "t" + i } };
}
let total = 0;
for (const key in rec) total += rec[key].inner.v;
const compose = (...fs) => (x) => fs.reduce((v, f) => f(v), x);
const f = compose((x) => x + 1, (x) => x * 3, (x) => x - 2);
let fsum = 0;
for (let i = 0; i < N; i++) fsum = (fsum + f(i)) % 1000003;
console.log(acc.x, acc.y, c.get(), counts.size, seen.size, total, fsum);
EOF
boa objects.js
