# Training: compile net/ (net/http and its neighbours) and crypto/ packages, the larger
# ones only (train/go.sh says why).
# shellcheck source=../compile-packages.sh
source "$PGO_INPUTS/compile-packages"
compilePackages net net/netip net/url net/textproto net/mail net/http net/http/httputil net/smtp net/rpc \
  crypto/tls crypto/x509 crypto/rsa crypto/ecdsa crypto/internal/fips140/nistec crypto/internal/fips140/bigmod
