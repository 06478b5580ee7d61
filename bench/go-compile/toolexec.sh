# shellcheck shell=bash
# The -toolexec program of the workloads (compile-packages.sh): `go build` runs every tool
# through it as `toolexec.sh <tool path> <args...>`. A compilation of one of the packages
# in $NIX_PGO_TARGETS (go's `-p <import path>`) runs the program under study, `compile`
# (first on PATH: the profiling build in training, callgrind's shim in the evaluation), and
# records the SHA-256 of the object it wrote in $NIX_PGO_OBJECTS. Everything else (the
# dependencies, `compile -V=full`, which names the tool in go's cache keys, asm, link)
# runs the GOROOT's own tool: unmeasured, and the same for every variant.
tool=$1
shift
if [ "${tool##*/}" = compile ]; then
  pkg='' out=''
  args=("$@")
  for i in "${!args[@]}"; do
    case ${args[$i]} in
      -p) pkg=${args[$((i + 1))]} ;;
      -o) out=${args[$((i + 1))]} ;;
    esac
  done
  if [ -n "$pkg" ] && [[ " $NIX_PGO_TARGETS " == *" $pkg "* ]]; then
    compile "$@"
    echo "$pkg $(sha256sum <"$out" | cut -d' ' -f1)" >>"$NIX_PGO_OBJECTS"
    exit 0
  fi
fi
exec "$tool" "$@"
