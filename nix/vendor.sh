# shellcheck shell=bash
# Unpacks each .crate into $out/<name>-<version> with the .cargo-checksum.json a cargo
# directory source needs. `files` is empty: the crates come from fixed-output fetches
# whose hash is the Cargo.lock checksum, which cargo compares with `package`.
read -r -a files <<<"${crateFiles:-}"
read -r -a dirs <<<"${crateDirs:-}"
read -r -a sums <<<"${crateChecksums:-}"

mkdir -p "$out"
for i in "${!files[@]}"; do
  tar -xzf "${files[$i]}" -C "$out"
  [ -f "$out/${dirs[$i]}/Cargo.toml" ] || die "crate ${files[$i]} did not unpack to ${dirs[$i]}/Cargo.toml"
  printf '{"files":{},"package":"%s"}' "${sums[$i]}" >"$out/${dirs[$i]}/.cargo-checksum.json"
done
log "vendored ${#files[@]} crates"
