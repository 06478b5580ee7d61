# Training: format net/ and crypto/ with -s, four times (a sampled profile wants CPU time:
# the profile stage warns below 5 s of it, docs/go.md "How much training").
for _ in 1 2 3 4; do
  find -L "$PGO_INPUTS/net" "$PGO_INPUTS/crypto" -name '*.go' -not -path '*/testdata/*' | sort | xargs gofmt -l -s
done
