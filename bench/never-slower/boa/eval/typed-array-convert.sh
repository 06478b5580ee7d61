# Evaluation, held out from training: typed arrays copied into typed arrays of other element
# types (the constructor and set() from Int32 to Float64, Float64 to Uint8, Uint8 and Int32
# to Float32, Float32 to Int16), each an element-by-element loop that reads, converts and
# writes one element at a time: code the training scripts, which use no typed array,
# never reach.
cat >typed-array-convert.js <<'EOF'
const src = new Int32Array(5000);
for (let i = 0; i < src.length; i++) src[i] = (i * 2654435761) % 100000;
let sum = 0;
for (let r = 0; r < 40; r++) {
  const f = new Float64Array(src);
  const g = new Uint8Array(5000);
  g.set(f);
  const h = new Float32Array(10000);
  h.set(g, r);
  h.set(src, 5000);
  const k = new Int16Array(h.subarray(0, 5000));
  sum = (sum + f[r] + g[r * 7] + h[9999 - r] + k[r * 11]) % 1000003;
}
console.log(sum);
EOF
boa typed-array-convert.js
