# shellcheck shell=bash
# What updateProfile.sh and goUpdateProfile.sh share: each writes $out/bin/$command, a
# script with the build's paths baked in that runs `nix-pgo lock` and says what to commit.
# These functions print the parts of that script both languages have, from the stage's
# attributes ($command, $purpose, $pname, $toolchainId, $helper, $profile, $lockName,
# $workloadArgs, $trainingSources); the callers put their own parts between them.
# shellcheck disable=SC2154 # the attributes come from .attrs.sh

# lock_script_training: what the training workloads are made of, for the lock entry
# (nix-pgo lock --training-workloads), as a file of this output, which then keeps the
# store paths it names.
lock_script_training() {
  [ -n "$trainingSources" ] || return 0
  mkdir -p "$out/share/nix-pgo"
  printf '%s\n' "$trainingSources" >"$out/share/nix-pgo/training-workloads.json"
  workloadArgs+=(--training-workloads "$out/share/nix-pgo/training-workloads.json")
}

# lock_script_header ARGS: the script's start: --help (usage "$command ARGS: $purpose."),
# an unknown option refused, abs and joined.
lock_script_header() {
  cat <<SCRIPT
#!$BASH
# $purpose: $pname (toolchain $toolchainId).
set -euo pipefail
usage="usage: $command $1: $purpose."
case \${1-} in
  -h | --help) echo "\$usage"; exit 0 ;;
  -*) echo "$command: unknown option \$1; \$usage" >&2; exit 2 ;;
esac
# The paths are relative to where this runs; where the package reads them is its lockSource.
abs() { case \$1 in /*) echo "\$1" ;; *) echo "\$PWD/\${1#./}" ;; esac; }
# Paths for a message, joined by "and": a path may hold a space.
joined() { local list; printf -v list '%s and ' "\$@"; echo "\${list% and }"; }
# What changed, to commit.
wrote=()
SCRIPT
}

# lock_script_root_check DEFAULTS ARGS: run without ARGS where $rootMarker (a file at src's
# root, internal/rootMarker.nix) is missing, the script refuses, writing nothing: its
# DEFAULTS (words: "path, pgo.lock.json, is") would lead to files the package never reads.
# Nothing when $rootMarker is "" (the package reads no lock from src).
lock_script_root_check() {
  [ -n "$rootMarker" ] || return 0
  local workspace=
  case $rootMarker in
    Cargo.lock | */Cargo.lock) workspace=" (a Cargo workspace has its Cargo.lock at its root, not in a member's directory)" ;;
  esac
  cat <<SCRIPT
if [ \$# -eq 0 ] && [ ! -e "$rootMarker" ]; then
  # Where to run it instead: the nearest directory above with the marker (run from a Cargo
  # workspace member's directory, the workspace's root, where its Cargo.lock is).
  above=
  d=\$PWD
  while [ "\$d" != / ] && [ -z "\$above" ]; do
    d=\$(dirname "\$d")
    if [ -e "\$d/$rootMarker" ]; then above=\$d; fi
  done
  if [ -n "\$above" ]; then
    where="The nearest directory above with a $rootMarker is \$above: if that is src's root$workspace, run it there"
  else
    where="No directory above has a $rootMarker either: run it in src's root"
  fi
  echo "$command: \$PWD has no $rootMarker: it is not where $pname's src is (the default $1 relative to this directory, and $pname reads "${lockSource@Q}"). \$where, or give the paths: $command $2. Nothing written." >&2
  exit 1
fi
SCRIPT
}

# lock_script_lock [HELPER_ARGS...]: `nix-pgo lock` of \$lock, which joins wrote when its
# bytes changed.
lock_script_lock() {
  local extra=
  [ $# -eq 0 ] || extra=" ${*@Q}"
  cat <<SCRIPT
# The lock as it was, to say whether anything is to be committed.
before=\$(mktemp)
trap 'rm -f "\$before"' EXIT
[ ! -e "\$lock" ] || cp "\$lock" "\$before"
"$helper" lock$extra --lock-file "\$lock" --package "$pname" --toolchain "$toolchainId" \\
  --profile "$profile" --name "$lockName" ${workloadArgs[*]@Q}
cmp -s "\$lock" "\$before" || wrote+=("\$(abs "\$lock")")
SCRIPT
}

# lock_script_summary FILES: what to commit (wrote), or that FILES (a shell expression)
# already held this.
lock_script_summary() {
  cat <<SCRIPT
if [ \${#wrote[@]} -eq 0 ]; then
  echo "$command: $1 already held this: nothing to commit." >&2
else
  echo "$command: wrote \$(joined "\${wrote[@]}"); $pname reads its lock from "${lockSource@Q}". Commit the files (in a git flake, git add them first: Nix sees only files git knows; git add -f if the project's .gitignore ignores them, e.g. *.json)." >&2
fi
SCRIPT
}
