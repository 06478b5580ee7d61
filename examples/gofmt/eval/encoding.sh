# Evaluation (held out): format encoding/ with -s, printing the result of one package.
find -L "$PGO_INPUTS/encoding" -name '*.go' -not -path '*/testdata/*' | sort | xargs gofmt -l -s
gofmt -s "$PGO_INPUTS/encoding/json/decode.go" | cksum
