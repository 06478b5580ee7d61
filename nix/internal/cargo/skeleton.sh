# shellcheck shell=bash
# Builds cargoSkeleton.nix's tree: the manifests, and `fn main() {}` at each .rs path.
# Environment: either src (a whole source tree) or manifests + rustFiles (picked from a
# path source at evaluation time, rustFiles one relative path per line).
ignored=(-name target -o -name .git -o -name result)
if [ -n "${src:-}" ]; then
  cd "$src" || exit
  mkdir -p "$out"
  find . \( "${ignored[@]}" \) -prune -o \( -name Cargo.toml -o -path '*/.cargo/config' -o -path '*/.cargo/config.toml' \) -type f -print0 |
    xargs -0 -r cp --parents --no-preserve=mode -t "$out"
  rustFiles=$(find . \( "${ignored[@]}" \) -prune -o -name '*.rs' -type f -print | sort)
else
  cp -r --no-preserve=mode "$manifests" "$out"
fi

# One content for every kind of target: a bin's main, a library's or build script's root,
# a proc macro's (the function is unused there: warnings are allowed, even where the
# manifest's [lints] deny them).
while IFS= read -r file; do
  [ -n "$file" ] || continue
  mkdir -p "$out/$(dirname "$file")"
  printf '%s\n' '// nix-pgo: dependency-build placeholder (cargoSkeleton.nix)' '#![allow(warnings)]' 'fn main() {}' >"$out/$file"
done <<<"$rustFiles"
