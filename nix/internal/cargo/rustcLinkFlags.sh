# shellcheck shell=bash
# The rustc wrapper of a stage with linkRustflags (cargoBuild.nix; cargo.sh makes it
# RUSTC_WRAPPER): runs rustc as cargo asks, adding $NIX_PGO_LINK_RUSTFLAGS at the end of
# the command when it compiles one of $NIX_PGO_LINK_CRATES as a binary. Last, so that they win over
# the Cargo profile's flags and RUSTFLAGS (bolt-input's -Cstrip=debuginfo over a
# package's `strip = true`). Cargo doesn't fingerprint the wrapper, so the dependency
# build made without it stays fresh.
# Usage (cargo's): rustcLinkFlags.sh RUSTC ARG...
rustc=$1
shift
crate="" type=""
args=("$@")
for ((i = 0; i < ${#args[@]} - 1; i++)); do
  case ${args[i]} in
  --crate-name) crate=${args[i + 1]} ;;
  --crate-type) type=${args[i + 1]} ;;
  esac
done
read -ra crates <<<"$NIX_PGO_LINK_CRATES"
for c in "${crates[@]}"; do
  if [ "$type" = bin ] && [ "$crate" = "$c" ]; then
    read -ra extra <<<"$NIX_PGO_LINK_RUSTFLAGS"
    exec "$rustc" "$@" "${extra[@]}"
  fi
done
exec "$rustc" "$@"
