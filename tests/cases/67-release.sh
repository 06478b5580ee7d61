# shellcheck shell=bash
# The release artifact (nix/stages/release/): a deterministic archive of the shipped
# binary, provenance.json and SHA256SUMS; `nix-pgo verify-release`; and the same bytes
# from a rebuild and from a second Nix store (a new root) that built it there.

# release_archive: build the demo's release (host toolchain) and print its archive.
release_archive() {
  local out
  out=$(out_path .#host.release)
  echo "$out"/pulldown-cmark-0.13.6-x86_64-linux.tar.gz
}

# nix_pgo ARGS...: the helper the pipeline was built with.
nix_pgo() {
  "$(out_path .#host.helper)/bin/nix-pgo" "$@"
}

test_release_archive_is_deterministic_and_its_provenance_is_the_pipelines() {
  local archive dir top shipped profile source
  archive=$(release_archive)
  [ -f "$archive" ] || fail "no $archive"
  ls -l "$archive"
  # Sorted entries, owner and group 0, every mtime 1 (1970-01-01 00:00:01 UTC).
  tar --numeric-owner --utc --full-time -tvzf "$archive" | tee /dev/stderr |
    awk '$2 != "0/0" || $4 != "1970-01-01" || $5 != "00:00:01" { bad = 1 } END { exit bad }' ||
    fail "an entry is not owned by 0/0 or not dated 1970-01-01 00:00:01"
  diff <(tar -tzf "$archive") <(tar -tzf "$archive" | LC_ALL=C sort) || fail "the entries are not sorted"
  # gzip header: no file name (FLG bit 3) and MTIME 0.
  [ "$(head -c 8 "$archive" | od -An -tx1 | tr -d ' \n')" = 1f8b080000000000 ] ||
    fail "the gzip header has a name or a time"
  dir=$(mktemp -d)
  tar -xzf "$archive" -C "$dir"
  top=$dir/pulldown-cmark-0.13.6-x86_64-linux
  (cd "$top" && sha256sum -c SHA256SUMS) || fail "coreutils' sha256sum -c disagrees with SHA256SUMS"
  nix_pgo verify-release "$archive"
  # The provenance describes the pipeline's own artifacts, each hash computed by another tool;
  # its evaluation is the one best chose by (the repair stages' run of every candidate).
  shipped=$(out_path .#host.best)
  cmp "$top/bin/pulldown-cmark" "$shipped/bin/pulldown-cmark" || fail "the archive's binary is not the one best chose"
  jq -e --slurpfile choice "$shipped/nix-support/choice.json" \
    '.shipped.stage == "best" and .shipped.variant == $choice[0].chosen and .shipped.choice == $choice[0]' \
    "$top/provenance.json" >/dev/null || fail "provenance.json does not say which variant best chose, and why"
  profile=$(out_path .#host.profile)
  source=$(nix eval --impure --raw .#host.optimized.src)
  jq . "$top/provenance.json"
  jq -e --arg bin "$(sha256sum <"$shipped/bin/pulldown-cmark" | cut -d' ' -f1)" \
    --arg base "$(sha256sum <"$(out_path .#host.baseline)/bin/pulldown-cmark" | cut -d' ' -f1)" \
    --arg profile "$profile" --arg profileNar "$(nix hash path "$profile")" \
    --arg fingerprint "$(jq -r .fingerprint "$profile/nix-support/profile.json")" \
    --arg source "$source" --arg sourceNar "$(nix hash path "$source")" \
    --arg toolchain "$(nix eval --impure --raw .#host.lib.toolchain.id)" \
    --slurpfile evaluation "$(out_path .#host.repair-evaluation)/evaluation.json" '
      .binaries == [{ path: "bin/pulldown-cmark", sha256: $bin, size: .binaries[0].size }]
      and .baseline.binaries[0].sha256 == $base
      and .profile.store_path == $profile and .profile.nar_hash == $profileNar
      and .profile.summary.fingerprint == $fingerprint
      and .source.store_path == $source and .source.nar_hash == $sourceNar
      and .toolchain.id == $toolchain and (.toolchain.rustc | any(startswith("LLVM version: ")))
      and .evaluation == $evaluation[0]
      and (.flags.profileUseRustflags | length) > 0' "$top/provenance.json" >/dev/null ||
    fail "provenance.json does not match the pipeline's artifacts"
  # What the shipped binary was built from: the demo regresses nowhere, so no remedy was
  # applied, and every variant but the baseline was compiled with the package's profile;
  # a bolted one also names the BOLT profile.
  local bolt_profile
  bolt_profile=$(out_path .#host.bolt-profile)
  jq -e --arg profile "$profile" --arg profileNar "$(nix hash path "$profile")" \
    --arg bolt "$bolt_profile" --arg boltNar "$(nix hash path "$bolt_profile")" '
      .format == 2 and (.shipped.remedy == null or .shipped.remedy.applied == false)
      and if .shipped.variant == "baseline" then .shipped.profile == null
        else .shipped.profile.store_path == $profile and .shipped.profile.nar_hash == $profileNar
          and .shipped.profile.fingerprint == .profile.summary.fingerprint end
      and if (.shipped.variant | startswith("bolted")) then .shipped.bolt_profile == { store_path: $bolt, nar_hash: $boltNar }
        else .shipped.bolt_profile == null end' "$top/provenance.json" >/dev/null ||
    fail "provenance.json does not say what the shipped binary was built from"
  # Workloads: the names of the demo's train/ and eval/ scripts, each with the NAR hash
  # `nix hash path` gives its script.
  diff <(jq -r '.workloads.training[].name' "$top/provenance.json") \
    <(find examples/pulldown-cmark/train -name '*.sh' -printf '%f\n' | sed 's/\.sh$//' | LC_ALL=C sort) ||
    fail "provenance.json's training workloads are not the demo's"
  jq -r '.workloads.training[], .workloads.evaluation[] | "\(.script.store_path) \(.script.nar_hash)"' "$top/provenance.json" |
    while read -r path hash; do
      [ "$(nix hash path "$path")" = "$hash" ] || fail "$path: provenance.json's NAR hash is not nix's"
    done
  # A rebuild gives the same bytes.
  nix build --impure --no-link --rebuild .#host.release || fail "the release is not reproducible"
}

test_release_verify_names_each_tampering() {
  local archive dir top
  archive=$(release_archive)
  dir=$(mktemp -d)
  tar -xzf "$archive" -C "$dir"
  top=pulldown-cmark-0.13.6-x86_64-linux
  # repack NAME: the unpacked (and edited) tree as another archive.
  repack() {
    tar --sort=name --owner=0 --group=0 --mtime=@1 -czf "$dir/$1.tar.gz" -C "$dir" "$top"
    echo "$dir/$1.tar.gz"
  }
  nix_pgo verify-release "$(repack unchanged)"
  # A binary that is not the one the sums list.
  printf 'x' >>"$dir/$top/bin/pulldown-cmark"
  expect_failure "bin/pulldown-cmark: SHA256SUMS says sha256 [0-9a-f]{64}, the file in the archive has" \
    nix_pgo verify-release "$(repack binary)"
  # ... with SHA256SUMS rewritten to match: provenance.json still names the real binary.
  (cd "$dir/$top" && sha256sum bin/pulldown-cmark provenance.json >SHA256SUMS)
  expect_failure "bin/pulldown-cmark: provenance.json says sha256 [0-9a-f]{64}, the binary in the archive has .*not the binary the provenance describes" \
    nix_pgo verify-release "$(repack sums)"
  # A file nobody listed, and no provenance at all.
  tar -xzf "$archive" -C "$dir"
  echo 'extra' >"$dir/$top/bin/extra"
  rm "$dir/$top/provenance.json"
  expect_failure "bin/extra is in the archive but not in SHA256SUMS" nix_pgo verify-release "$(repack extra)"
  expect_failure "SHA256SUMS lists provenance.json, which is not in the archive" nix_pgo verify-release "$dir/extra.tar.gz"
  # Not an archive.
  echo 'not a tarball' >"$dir/bogus.tar.gz"
  expect_failure "is not a readable .tar.gz" nix_pgo verify-release "$dir/bogus.tar.gz"
}

test_release_of_every_program_verifies_and_holds_each_of_its_binaries() {
  # ripgrep (no BOLT), jaq, rhai (three binaries), gofmt (Go): pipelines built by the
  # earlier tests.
  local program out archive bins
  for program in $(nix eval --impure --json .#host.programs --apply builtins.attrNames | jq -r '.[]'); do
    out=$(out_path ".#host.programs.$program.release")
    archive=$(echo "$out"/*.tar.gz)
    nix_pgo verify-release "$archive"
    # The binaries the package declares (Rust's `bins`); a Go build names its own, so
    # there they are the files of best's bin/.
    bins=$(nix eval --impure --json ".#host.programs.$program.optimized" --apply 'p: p.bins or null')
    [ "$bins" != null ] || bins=$(find "$(out_path ".#host.programs.$program.best")/bin" -type f -printf '%f\n' | jq -R . | jq -s .)
    diff <(tar -xzOf "$archive" --wildcards '*/provenance.json' | jq -r '.binaries[].path' | sort) \
      <(echo "$bins" | jq -r '.[] | "bin/" + .' | sort) || fail "$program: the release does not hold each of its binaries"
  done
}

test_release_of_a_locked_program_records_its_lock_entry() {
  # What the release stage is given (its spec; provenance.json copies lockEntry as it is):
  # checked from the derivation, without building the locked pipeline's evaluation.
  cd "$(locked_copy)" || exit
  diff <(drv_attrs "$(drv_path host.release)" | jq -S '.spec | fromjson | .lockEntry') \
    <(jq -S '.profiles["pulldown-cmark"][]' "$DEMO_LOCK") || fail "the release is not given the lock entry"
  drv_attrs "$(drv_path host.release)" | jq -e --arg profile "$(jq -r '.profiles["pulldown-cmark"][].storePath' "$DEMO_LOCK")" \
    '.spec | fromjson | .profile == $profile' >/dev/null || fail "the release does not record the locked profile's path"
}
