# shellcheck shell=bash
# go build of one Go stage ($stage): every package of subPackages into $out/bin.
# shellcheck disable=SC2154 # the attributes come from .attrs.sh
# shellcheck source=/dev/null
source "$goEnv"

# With a vendor stage, the module is copied so that vendor/ can sit beside go.mod (and
# go may write go.sum with a module cache);
# without one it is built where it is (read-only; e.g. a command of the GOROOT, whose
# module `cmd` only builds there).
if [ -n "$vendor" ]; then
  cp -r "$src" "$NIX_BUILD_TOP/source"
  chmod -R u+w "$NIX_BUILD_TOP/source"
  cd "$NIX_BUILD_TOP/source/$modRoot" || exit
  # (A module cache, proxyVendor's, is read through GOPROXY instead: goVariables.nix.)
  if [ -z "${moduleCache:-}" ]; then
    rm -rf vendor
    cp -r "$vendor" vendor
  fi
else
  cd "$src/$modRoot" || exit
fi

if [ "$stage" = optimized ]; then
  # Before building: a profile that is no pprof, is empty, or is of another program (none of
  # this one's functions has its samples) fails here, naming what is wrong.
  mkdir -p "$out/nix-support" "$NIX_BUILD_TOP/match"
  # Through links with plain names: the report names no store path (no reference from $out).
  cd "$NIX_BUILD_TOP/match" || exit
  ln -s "$profile" default.pgo
  matched=() unmatched=()
  for exe in "$matchAgainst"/bin/*; do
    name=${exe##*/}
    ln -s "$exe" "$name"
    # (Its verdict on stderr is kept: a program the training didn't run is no error when
    # another matches, below.)
    if "$helper" --json pprof match --min-rate "$minProfileMatch" --profile default.pgo --binary "$name" \
      >"$out/nix-support/profile-match-$name.json" 2>"$name.match"; then
      cat "$name.match" >&2
      log "the profile matches $name: nix-support/profile-match-$name.json"
      matched+=("$name")
    else
      unmatched+=("$name")
    fi
  done
  # Go's PGO reads one profile for the whole build. With several programs it need only be
  # of one of them: a program no training workload ran gets no samples of its own.
  if [ "${#matched[@]}" -eq 0 ]; then
    for name in "${unmatched[@]}"; do cat "$name.match" >&2; done
    die "the profile can't be used for ${unmatched[*]} (above): it is no CPU profile, or one of another program, or the program changed. Regenerate it from the workloads with $relockHint, or import a profile of this program (\`nix-pgo import\`)."
  fi
  for name in "${unmatched[@]}"; do
    log "warning: the profile is of ${matched[*]}, not of $name: no training workload ran $name, so PGO optimizes only the code it shares with ${matched[*]} ($(sed -n 's/^nix-pgo: error: //p' "$name.match" | head -n 1 | sed 's/: .*//')). Add a training workload that runs $name (every program of subPackages is on the workload's PATH), or build $name without PGO (a package of its own)."
  done
  cd - >/dev/null || exit
fi

flags=(-trimpath -buildvcs=false)
[ "${#tags[@]}" -gt 0 ] && flags+=("-tags=$(IFS=,; echo "${tags[*]}")")
linkerFlags=("${ldflags[@]}")
case $stage in
  baseline | profiling) flags+=(-pgo=off) ;;
  optimized)
    # A fixed path: go records -pgo=<path> in the binary's build info.
    mkdir -p "$NIX_BUILD_TOP/pgo"
    cp "$profile" "$NIX_BUILD_TOP/pgo/default.pgo"
    flags+=("-pgo=$NIX_BUILD_TOP/pgo/default.pgo")
    ;;
esac
# Each entry of subPackages is a main package of the module, checked first: go's own
# "directory not found" or "no main packages to build" doesn't say which setting is wrong.
# (Its directory, for the profiling build's overlay.)
declare -A packageDir
for pkg in "${subPackages[@]}"; do
  if ! listed=$("$goBin" list "${flags[@]}" -f '{{.Name}} {{.Dir}}' "./$pkg" 2>"$NIX_BUILD_TOP/go-list.err"); then
    cat "$NIX_BUILD_TOP/go-list.err" >&2
    go_too_new "$NIX_BUILD_TOP/go-list.err"
    die "subPackages entry '$pkg' is no package of the module in ${modRoot:-.} of src (go list, above): subPackages are directories of main packages, relative to modRoot. Is the directory in src? (A flake's source has only the files git tracks: a directory .gitignore leaves out, such as cmd/ in some repositories, is not there until it is added, \`git add -f\`.)"
  fi
  name=${listed%% *}
  packageDir[$pkg]=${listed#* }
  [ "$name" = main ] || die "subPackages entry '$pkg' is package $name, not a main package: subPackages are the programs to build (directories with package main)."
done

if [ "$stage" = profiling ]; then
  # The profiling hook reaches the runtime's exit hooks by go:linkname, which the linker
  # allows only with -checklinkname=0 (docs/go.md).
  linkerFlags+=(-checklinkname=0)
  overlay=$NIX_BUILD_TOP/overlay.json
  {
    printf '{"Replace":{'
    sep=
    for pkg in "${subPackages[@]}"; do
      dir=${packageDir[$pkg]}
      # (The helper knows the hook's functions by this name: pprof/symbols.rs PROFILING_HOOK_FILE.)
      printf '%s"%s/zz_nix_pgo_profile.go":"%s"' "$sep" "$dir" "$profilingSource"
      sep=,
    done
    printf '}}\n'
  } >"$overlay"
  flags+=("-overlay=$overlay")
fi
[ "${#linkerFlags[@]}" -gt 0 ] && flags+=("-ldflags=${linkerFlags[*]}")
[ "${#gcflags[@]}" -gt 0 ] && flags+=("-gcflags=all=${gcflags[*]}")

mkdir -p "$out/bin"
for pkg in "${subPackages[@]}"; do
  log "go build ${flags[*]} ./$pkg"
  "$goBin" build "${flags[@]}" -o "$out/bin/" "./$pkg"
done

