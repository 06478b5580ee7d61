# shellcheck shell=bash
# Unpacks each .crate into $out/<name>-<version> with the .cargo-checksum.json a cargo
# directory source needs. `files` is empty: the crates come from fixed-output fetches
# whose hash is the Cargo.lock checksum, which cargo compares with `package`.
# shellcheck disable=SC2154 # the crate* and git* lists come from .attrs.sh

mkdir -p "$out"
for i in "${!crateFiles[@]}"; do
  file=${crateFiles[$i]} dir=${crateDirs[$i]}
  tar -xzf "$file" -C "$out"
  [ -f "$out/$dir/Cargo.toml" ] || die "crate $file did not unpack to $dir/Cargo.toml"
  printf '%s' "${crateChecksumFiles[$i]}" >"$out/$dir/.cargo-checksum.json"
done

# Git dependencies: the package's directory out of its repository's checkout. A directory
# source has no checksum for them (`package` null), like `cargo vendor` writes.
for i in "${!gitCheckouts[@]}"; do
  name=${gitNames[$i]} manifest=
  # The manifest whose [package] is called $name (the repository may be a workspace).
  while IFS= read -r -d '' candidate; do
    if awk -v want="$name" '
      /^\[/ { section = $0 }
      section == "[package]" && /^name *=/ { gsub(/^name *= *"|" *$/, ""); if ($0 == want) found = 1 }
      END { exit !found }' "$candidate"; then
      manifest=$candidate
      break
    fi
  done < <(find "${gitCheckouts[$i]}" -name Cargo.toml -print0 | sort -z)
  [ -n "$manifest" ] || die "git dependency $name: no Cargo.toml with [package] name = \"$name\" in its repository (${gitCheckouts[$i]})"
  if grep -qE '(^|[.{ ])workspace *= *true' "$manifest"; then
    die "git dependency $name inherits fields from its repository's workspace (\`workspace = true\` in ${manifest#"${gitCheckouts[$i]}"/}); nix-pgo can't vendor such a package yet. Depend on a crates.io release of it, or a fork whose Cargo.toml spells the fields out."
  fi
  cp -r --no-preserve=mode "$(dirname "$manifest")" "$out/${gitDirs[$i]}"
  printf '%s' "$gitChecksumFile" >"$out/${gitDirs[$i]}/.cargo-checksum.json"
done
if [ -n "$gitSourcesConfig" ]; then
  # Read by every cargo build (cargo.sh); cargo skips hidden entries of a directory source.
  printf '%s\n' "$gitSourcesConfig" >"$out/.cargo-config.toml"
fi

log "vendored ${#crateFiles[@]} crates.io crates and ${#gitCheckouts[@]} git dependencies"
