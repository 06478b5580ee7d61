# Training: reshaping whole documents: paths, walk, with_entries, del, sort_by on several
# keys, string interpolation, @html/@uri, tojson/fromjson, recursion (`..`).
details=$PGO_INPUTS/spdx/license-list-data/json/details
for _ in 1 2 3 4; do
  jaq -c 'del(.licenseTextHtml, .standardLicenseTemplate) | [paths(type == "string")] | length' "$details"/[A-F]*.json
  jaq -c '.crossRef | map(with_entries(select(.value | type != "boolean"))) | sort_by(.order, .url) | first' "$details"/[D-K]*.json
  jaq -c 'walk(if type == "string" then length elif type == "boolean" then (if . then 1 else 0 end) else . end)
    | del(.crossRef) | to_entries | map("\(.key)=\(.value)") | join("&")' "$details"/[H-P]*.json
  jaq -r '.licenseText | @html | .[0:200] | @uri' "$details"/[N-T]*.json
  jaq -c 'tojson | fromjson | [.. | numbers] | add' "$details"/[S-Z]*.json
  jaq -c '[.. | strings | select(startswith("http"))] | map(split("/")[2]) | unique' "$details"/[0-9a-z]*.json
done >/dev/null
