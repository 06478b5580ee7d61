# Training: queries over the SPDX license list's index (licenses.json, 740 licenses):
# grouping, filtering, regex captures, sorting, reductions, @tsv/@csv/@base64 output.
idx=$PGO_INPUTS/spdx/license-list-data/json/licenses.json
for _ in $(seq 10); do
  jaq -c '.licenses | group_by(.isOsiApproved) | map({osi: .[0].isOsiApproved, count: length})' "$idx"
  jaq -r '.licenses[] | select(.isDeprecatedLicenseId | not) | [.licenseId, .name, (.seeAlso | length)] | @tsv' "$idx"
  jaq -c '[.licenses[] | .licenseId | capture("^(?<family>[A-Za-z]+)").family] | group_by(.)
    | map({key: .[0], value: length}) | from_entries | to_entries | sort_by(-.value, .key) | .[:10]' "$idx"
  jaq '[.licenses[] | select(any(.seeAlso[]; test("opensource\\.org")))] | unique_by(.licenseId) | length' "$idx"
  jaq -r '.licenses | map({id: .licenseId, ref: .referenceNumber, n: (.name | @base64 | length)})
    | sort_by(.ref) | .[] | [.id, .ref, .n] | @csv' "$idx"
  jaq -r '.licenses | reduce .[] as $l ({}; .[$l.licenseId[0:1] | ascii_upcase] += [$l.referenceNumber])
    | to_entries[] | "\(.key)\t\(.value | add / length | floor)\t\(.value | max)"' "$idx"
  jaq -c '.licenses | map(select(.name | test("version 2|v2|2\\.0"; "i")) | .licenseId | ascii_downcase) | sort | .[-5:]' "$idx"
done >/dev/null
