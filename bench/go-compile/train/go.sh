# Training: compile the Go front end's own packages (parser, type checker, printer, docs),
# text/ and the formatting and number packages.
# shellcheck source=../compile-packages.sh
source "$PGO_INPUTS/compile-packages"
compilePackages go/... text/... fmt strconv math/big
