# Evaluation (held out): format image/ and compress/ with -s, printing the result of one
# file of each (the listing is empty: every file there is formatted).
find -L "$PGO_INPUTS/image" "$PGO_INPUTS/compress" -name '*.go' -not -path '*/testdata/*' | sort | xargs gofmt -l -s
gofmt -s "$PGO_INPUTS/image/png/reader.go" "$PGO_INPUTS/compress/flate/inflate.go" | cksum
