# Training: format go/ (GOROOT's parser, printer and type checker) with -s, listing the
# files whose formatting differs. testdata/ holds deliberately broken files: left out.
find -L "$PGO_INPUTS/go" -name '*.go' -not -path '*/testdata/*' | sort | xargs gofmt -l -s
