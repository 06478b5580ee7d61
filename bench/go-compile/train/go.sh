# Training: compile the Go front end's own packages (parser, type checker, printer).
# shellcheck source=../compile-packages.sh
source "$PGO_INPUTS/compile-packages"
compilePackages go/scanner go/ast go/parser go/printer go/constant go/types go/doc
