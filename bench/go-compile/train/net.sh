# Training: compile net/ (net/http and its neighbours) and crypto/.
# shellcheck source=../compile-packages.sh
source "$PGO_INPUTS/compile-packages"
compilePackages net/... crypto/...
