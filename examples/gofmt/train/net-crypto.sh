# Training: format net/ and crypto/ with -s, twice (a sampled profile wants CPU time).
for _ in 1 2; do
  find -L "$PGO_INPUTS/net" "$PGO_INPUTS/crypto" -name '*.go' -not -path '*/testdata/*' | sort | xargs gofmt -l -s
done
