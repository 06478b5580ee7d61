# Training: format runtime/, syscall/ and internal/ with -s, three times: the runtime and
# the system interfaces, with syscall's long generated tables of constants and types.
for _ in 1 2 3; do
  find -L "$PGO_INPUTS/runtime" "$PGO_INPUTS/syscall" "$PGO_INPUTS/internal" -name '*.go' -not -path '*/testdata/*' | sort | xargs gofmt -l -s
done
