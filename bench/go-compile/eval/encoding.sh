# Evaluation (held out): compile encoding/ packages.
# shellcheck source=../compile-packages.sh
source "$PGO_INPUTS/compile-packages"
compilePackages encoding/base64 encoding/csv encoding/json encoding/xml
