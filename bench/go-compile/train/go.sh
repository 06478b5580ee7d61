# Training: compile the Go front end's own packages (parser, type checker, printer, docs),
# text/template and the formatting and number packages. Only packages whose compilation
# takes tens of milliseconds or more: the profile stage fails on a process whose CPU
# profile has no sample (docs/go.md "cmd/compile").
# shellcheck source=../compile-packages.sh
source "$PGO_INPUTS/compile-packages"
compilePackages go/ast go/build go/constant go/doc go/parser go/printer go/scanner go/types \
  text/template text/template/parse fmt strconv math/big
