# The options of every callgrind run of the evaluation (evaluateVariants.nix), and of
# bench/fair-sched/measure, which compares them with and without fair scheduling.
[
  # valgrind runs one thread at a time, under a lock. Its default lock doesn't guarantee
  # fairness on a multicore machine: the thread whose time slice ended may get it straight
  # back, and a thread that waits by spinning (a loop on an atomic, oxipng's
  # `rayon::yield_local`, a spin lock) spins through slice after slice, by timing, while
  # the thread it waits for stays queued, and every spin is counted. A ticket lock
  # (--fair-sched=yes) hands the lock on in turn. oxipng 10.2.1's baseline (rayon, `-o 4`
  # on one image), five runs each: 230.2-344.8 million instructions without it, 230.58
  # million (within 0.01 %) with it (bench/fair-sched/measure; docs/never-slower.md).
  "--fair-sched=yes"
  # Cache and branch simulation for the estimated cycles. The cache geometry is fixed
  # (32 KiB 8-way L1s, 8 MiB 16-way last level, 64-byte lines: a common x86-64 desktop)
  # rather than read from the builder's CPU, which callgrind does by default: the counts
  # must not depend on which machine built the evaluation.
  "--cache-sim=yes"
  "--branch-sim=yes"
  "--I1=32768,8,64"
  "--D1=32768,8,64"
  "--LL=8388608,16,64"
]
