# A multithreaded program: ripgrep, built from its crates.io release with the Cargo.lock it
# was published with (default features: no PCRE2). Its training workloads search real
# source trees with four worker threads (`-j4`, more threads than this machine's cores, so
# that they contend on the same hot code), and are written so that what a thread does
# with a file does not depend on which thread got it (train/cargo-regexes.sh). With atomic
# counters, no value profiling and the few functions of `profileExclude` (thread
# coordination: the work-stealing walker, locks, per-thread buffer growth) left out, every
# workload profile rebuilds bit-identically (REPRODUCIBILITY.md). Training searches
# cargo's and tokio's sources; evaluation, held out from training, searches mdBook's,
# regex's and libc's with other patterns, single-threaded so that callgrind's counts are
# exact. All inputs are crates.io releases pinned by hash (licences: ../README.md).
{ nixPgo }:
let
  inherit (nixPgo)
    buildPgoPackage
    crateSource
    workloadsFromDir
    ;
  inputs = import ../inputs.nix { inherit crateSource; };
in
buildPgoPackage {
  pname = "ripgrep";
  version = "15.2.0";
  src = crateSource {
    pname = "ripgrep";
    version = "15.2.0";
    sha256 = "a30750b6d0743bfdd2656ebbaf4555aa278c43144b84bc389bcbfa399485ec71";
  };
  # The lock file inside that crate, copied here so evaluation needn't unpack the crate.
  cargoLock = ./Cargo.lock;
  bins = [ "rg" ];
  # No BOLT: its profiles come from the same multithreaded training, and nothing makes
  # them reproducible (profileExclude applies to PGO profiles); bolted also executed more
  # instructions than baseline on libc-constants (REPRODUCIBILITY.md).
  bolt = false;
  # Threads update the counters of the code they share atomically, so no increment is lost
  # to a race; value profiles (indirect-call targets, memcpy sizes) keep a few top entries
  # per site, and which entries survive depends on which thread got there first.
  atomicCounters = true;
  valueProfiling = false;
  # Functions whose counts depend on thread timing even with exact counters, found by
  # rebuilding each workload profile and diffing (REPRODUCIBILITY.md): 191 of 13,079
  # functions, 1.7-3.8 % of a workload profile's total count (2.6 % of the merged one).
  # They are compiled as without PGO. The search code (regex-automata, memchr,
  # grep-searcher, the printer) stays in.
  profileExclude = [
    # The parallel directory walker: work stealing (crossbeam's deque and its epoch GC),
    # idle workers polling, and rg's per-thread closure that takes the stdout lock
    # (contended or not).
    "crossbeam"
    "6ignore4walk6Worker"
    "search_parallel"
    "drop_in_place$LT$termcolor..LossyStandardStream"
    # Which thread drops the last reference to a directory's ignore matcher.
    "drop_in_place$LT$ignore..dir..Ignore$GT$"
    "Arc$LT$T$C$A$GT$9drop_slow"
    # Allocation slow paths: deque buffers and each thread's output buffer grow with the
    # work it happened to get.
    "grow_amortized"
    "finish_grow"
    "do_reserve_and_handle"
    "try_allocate_in"
    "into_boxed_slice"
    # memchr picks its AVX2/SSE2 routines on the first call of each function, once per
    # process; twice when two threads make that first call at the same time.
    "_raw6detect"
    # Generic std functions, hot elsewhere, whose instances for the walker's types differ;
    # named by rustc's symbol hash, so only these instances go (valid for this ripgrep and
    # toolchain; a new toolchain changes them, and tests/cases/70-multithreaded.sh says so).
    "h44ddc7dc8fb4abf3" # <Map<I, F> as Iterator>::fold (crossbeam's Buffer::alloc)
    "h2c896cb9102969ba" # <Chain<A, B> as Iterator>::try_fold (the walker's steal loop)
    "haa40939d985b690f" # Vec<T>::reserve
    "hde50af1bc628eea1" # Box<[T]>::from_iter (crossbeam's Buffer::alloc)
    "h13cf65995efaaa1e" # Vec<T>::from_iter (crossbeam's Buffer::alloc)
    "h72e98bbafe4c1513" # <RawVec<T> as Drop>::drop
  ];
  workloads = workloadsFromDir ./. {
    inputs = {
      # Training: source trees of a few MB each; evaluation (held out): the others.
      inherit (inputs)
        cargo
        tokio
        mdbook
        regex
        libc
        ;
    };
  };
}
