# shellcheck shell=bash
# The lint tier, first and fast (seconds; clippy's first run about a minute), no Nix
# build: shellcheck on every shell script, clippy and rustfmt on the helper, nixpkgs-fmt
# (the flake's `formatter`) and deadnix on every .nix file. The settings live with the
# code: .shellcheckrc files, helper/Cargo.toml. shellcheck comes from Debian
# (scripts/setup-host), the pinned Nix tools from scripts/setup-lint (tests/run puts them
# on PATH).

# lint_files: the repository's files (tracked, and new ones not ignored), one per line.
lint_files() {
  git ls-files --cached --others --exclude-standard | while read -r f; do
    [ -f "$f" ] && echo "$f"
  done
}

# shell_scripts: every .sh file, and every other file whose #! line runs bash or sh.
shell_scripts() {
  lint_files | while read -r f; do
    case $f in
      *.sh) echo "$f" ;;
      *) head -n 1 "$f" | grep -qE '^#!.*[/ ](ba)?sh( |$)' && echo "$f" ;;
    esac
  done
}

# nix_files: every .nix file.
nix_files() {
  lint_files | grep '\.nix$'
}

test_lint_shellcheck() {
  local scripts
  mapfile -t scripts < <(shell_scripts)
  echo "${#scripts[@]} scripts"
  ((${#scripts[@]} > 50)) || fail "found only ${#scripts[@]} shell scripts"
  printf '%s\n' "${scripts[@]}" | has -x 'scripts/setup-host' || fail "shell_scripts misses the scripts without .sh"
  shellcheck --version | has '^version: 0\.9\.' || echo "warning: shellcheck is not 0.9 (Debian's); the settings were written for 0.9"
  shellcheck "${scripts[@]}" || fail "shellcheck found problems (fix them, or disable a check in the nearest .shellcheckrc with the reason)"
}

test_lint_helper_clippy() {
  (cd helper && cargo clippy --locked --all-targets -- -D warnings) || fail "clippy warns on the helper"
}

test_lint_helper_fmt() {
  (cd helper && cargo fmt --check) || fail "the helper is not formatted: run \`cargo fmt\` in helper/"
}

test_lint_nix_format() {
  local files
  mapfile -t files < <(nix_files)
  echo "${#files[@]} .nix files, nixpkgs-fmt $(nixpkgs-fmt --version 2>&1 || true)"
  nixpkgs-fmt --check "${files[@]}" ||
    fail "not formatted with nixpkgs-fmt (the flake's formatter): run \`nix fmt\`, or nixpkgs-fmt on the files above"
}

test_lint_nix_dead_code() {
  local files
  mapfile -t files < <(nix_files)
  deadnix --version
  # Unused let bindings, lambda arguments and pattern names. An argument a caller must
  # accept but doesn't use (an overlay's `prev`) is named with a leading `_`.
  deadnix --fail "${files[@]}" || fail "deadnix found unused bindings (remove them, or prefix an argument that must stay with _)"
}
