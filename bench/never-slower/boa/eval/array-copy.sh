# Evaluation, held out from training: copying arrays element by element (slice, concat,
# spread, Array.from, copyWithin; a typed array's set and slice), code the training scripts
# never reach: the case issue 7 measured a JavaScript engine 2.6x slower on after PGO.
cat >array-copy.js <<'EOF'
// Held out: copying arrays element by element (slice, concat, spread, Array.from,
// copyWithin, typed arrays' set and slice), code the training scripts never reach.
const a = [];
for (let i = 0; i < 2000; i++) a.push(i);
let sum = 0;
for (let r = 0; r < 10; r++) {
  const b = a.slice();
  const c = a.concat(b);
  const d = [...c];
  const e = Array.from(d);
  e.copyWithin(0, 1000, 3000);
  sum = (sum + b[r] + c[c.length - 1 - r] + d[r * 3] + e[r]) % 1000003;
}
const t = new Int32Array(4000);
for (let i = 0; i < t.length; i++) t[i] = i * 3;
for (let r = 0; r < 10; r++) {
  const u = new Int32Array(8000);
  u.set(t);
  u.set(t, 4000);
  const v = u.slice(r, r + 6000);
  sum = (sum + v[0] + v[5999] + u[7999]) % 1000003;
}
console.log(sum);
EOF
boa array-copy.js
