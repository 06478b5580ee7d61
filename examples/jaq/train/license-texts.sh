# Training: the full text of each of the 740 SPDX licenses (22 MB of JSON, one file per
# license): string splitting, regex scans and substitutions, text statistics.
details=$PGO_INPUTS/spdx/license-list-data/json/details
{
  jaq -c '{id: .licenseId, lines: (.licenseText | split("\n") | length),
    words: ([.licenseText | splits("[ \n\t]+")] | length),
    header: (.standardLicenseHeader != null), fsf: (.isFsfLibre // false),
    live: [.crossRef[] | select(.isLive) | .url | ltrimstr("https://") | ltrimstr("http://") | split("/")[0]] | unique}' \
    "$details"/*.json
  jaq -c '[.licenseText | ascii_downcase | scan("[a-z]+")] | group_by(.) | map([.[0], length])
    | sort_by(-.[1], .[0]) | .[:5]' "$details"/[A-C]*.json
  jaq -r '.licenseTextHtml | [scan("<(?<tag>[a-z]+)")] | length' "$details"/*.json
  jaq -c '[limit(3; .crossRef[] | .url)], (.seeAlso | first(.[]?) // "none"),
    ([range(0; .licenseText | length; 500)] | length), (.licenseText | test("warrant"; "i")),
    (.licenseText[0:2000] | gsub("\\s+"; " ") | length)' "$details"/[M-Z]*.json
} >/dev/null
