# Evaluation (held out from training): the SPDX license *exceptions* (86 files and their
# index, exceptions.json), which no training workload reads, with other filters: word
# pairs, per-exception summaries, keys/has/contains, @sh and @json output.
ex=$PGO_INPUTS/spdx/license-list-data/json
for _ in 1; do
  jaq -c '[.licenseExceptionText | ascii_downcase | [scan("[a-z]+")] | . as $w
      | range(1; length) | "\($w[. - 1]) \($w[.])"]
    | group_by(.) | map({pair: .[0], n: length}) | sort_by(-.n, .pair) | .[:3]' "$ex"/exceptions/*.json
  jaq -r '"\(.licenseExceptionId): \(.name | @sh) \(.seeAlso | length) \(.licenseComments // "" | length)"' "$ex"/exceptions/*.json
  jaq -c '{id: .licenseExceptionId, keys: keys, gpl: (.licenseExceptionText | contains("GPL")),
    paragraphs: (.licenseExceptionText | [splits("\n\n+")] | map(length) | [min, max])}' "$ex"/exceptions/*.json
  jaq -c '.exceptions | map(select(has("seeAlso")) | {(.licenseExceptionId): (.seeAlso | map(split("/")[2]) | unique)})
    | add | with_entries(select(.value | length > 1))' "$ex"/exceptions.json
  jaq -r '.exceptions | sort_by(.referenceNumber) | .[] | [.referenceNumber, .licenseExceptionId] | @json' "$ex"/exceptions.json
done
