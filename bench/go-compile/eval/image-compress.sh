# Evaluation (held out): compile image/ and compress/ packages.
# shellcheck source=../compile-packages.sh
source "$PGO_INPUTS/compile-packages"
compilePackages compress/flate compress/gzip image/gif image/jpeg image/png
