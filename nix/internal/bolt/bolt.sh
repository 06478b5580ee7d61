# shellcheck shell=bash
# Steps shared by the stages that run llvm-bolt (bolt-instrumented.sh, bolted.sh).
# Environment: helper rustc llvmProfdata llvmBolt boltInput.

# boltCheckToolchain: llvm-bolt must be of rustc's LLVM major; the helper names both
# versions and the fix otherwise.
boltCheckToolchain() {
  "$helper" check-toolchain --rustc "$rustc" --llvm-profdata "$llvmProfdata" --llvm-bolt "$llvmBolt"
}

# boltBins: the names of the binaries of the BOLT input ($boltInput/bin/*).
boltBins() {
  local exe
  for exe in "$boltInput"/bin/*; do echo "${exe##*/}"; done
}

# boltInputCopy BIN: copy $boltInput/bin/BIN to $NIX_BUILD_TOP/bolt/BIN and check that it
# kept its relocations. llvm-bolt writes its command line into the output (unless
# --bolt-info=0) and reports paths in its messages: working on a copy at a fixed path
# keeps the input's store path out of the result either way.
boltInputCopy() {
  local bin=$1 copy=$NIX_BUILD_TOP/bolt/$1
  mkdir -p "$NIX_BUILD_TOP/bolt"
  cp "$boltInput/bin/$bin" "$copy"
  chmod u+w "$copy"
  # (Not `readelf | grep -q`: under pipefail, readelf killed by SIGPIPE would fail it.)
  readelf -SW "$copy" >"$copy.sections"
  if ! grep -qF '.rela.text' "$copy.sections"; then
    {
      echo "nix-pgo: error: $boltInput/bin/$bin has no relocations (no .rela.text section)."
      echo "Without them llvm-bolt cannot move functions and nix-pgo does not run it."
      echo "Give BOLT the bolt-input stage (buildBoltInput), which links with"
      echo "-Clink-arg=-Wl,--emit-relocs; for a binary built elsewhere, link it with --emit-relocs"
      echo "(or -Wl,-q) and don't strip its symbols."
    } >&2
    exit 1
  fi
}

# boltRun BIN OUTPUT ARGS...: llvm-bolt on the copy of BIN. --bolt-info=0: no
# .note.bolt_info section, which would record the command line (paths included).
boltRun() {
  local bin=$1 output=$2
  shift 2
  local -a cmd=("$llvmBolt" "$NIX_BUILD_TOP/bolt/$bin" -o "$output" --bolt-info=0 "$@")
  log "${cmd[*]}"
  "${cmd[@]}" 2>&1 | tee "$NIX_BUILD_TOP/bolt/$bin.log" ||
    die "llvm-bolt failed on $bin (see its output above)"
}

# boltProfileIsOfInput PROFILE: whether the BOLT profile directory PROFILE was taken on
# $boltInput's binaries: its nix-support/bolt-input.sha256 (mergeBoltProfiles.sh) holds
# their sha256. sha256sum names the binaries that differ on stderr.
boltProfileIsOfInput() {
  (cd "$boltInput/bin" && sha256sum --check --quiet --strict "$1/nix-support/bolt-input.sha256")
}

# mergeFdataSorted OUTPUT FILE...: merge-fdata's merge of FILEs into OUTPUT, records sorted.
# merge-fdata writes records in hash-table order, which follows the order of its inputs,
# and a workload's files are named by pid: sorted (their order carries no meaning), the
# profile of a deterministic workload is the same on every run. Header lines (not
# starting with a digit) stay first.
mergeFdataSorted() {
  local output=$1
  shift
  "$mergeFdata" "$@" >"$output.unsorted" || return 1
  {
    grep -v '^[0-9]' "$output.unsorted" || true
    grep '^[0-9]' "$output.unsorted" | LC_ALL=C sort
  } >"$output"
  rm "$output.unsorted"
}
