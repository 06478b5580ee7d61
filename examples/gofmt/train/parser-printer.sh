# Training: format go/ (GOROOT's parser, printer and type checker) with -s, four times,
# listing the files whose formatting differs. testdata/ holds deliberately broken files:
# left out.
for _ in 1 2 3 4; do
  find -L "$PGO_INPUTS/go" -name '*.go' -not -path '*/testdata/*' | sort | xargs gofmt -l -s
done
