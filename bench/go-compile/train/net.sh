# Training: compile net/http and its neighbours.
# shellcheck source=../compile-packages.sh
source "$PGO_INPUTS/compile-packages"
compilePackages net/url net/textproto net/mail net/http
