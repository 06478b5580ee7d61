# Evaluation (held out from training): JSON parser benchmark data of another project
# (jiter's benches/: arrays of integers, big integers, floats, strings, unicode text, the
# JSON test suite's pass1.json): arithmetic, sorting, statistics, number formatting.
b=$PGO_INPUTS/jiter/benches
for _ in 1; do
  jaq -c '{n: length, sum: add, min: min, max: max, median: (sort | .[length / 2 | floor])}' \
    "$b"/short_numbers.json "$b"/floats_array.json "$b"/doubles_array.json "$b"/short_floats.json
  jaq -c 'map(. % 1000) | group_by(. % 7) | map({r: (.[0] % 7), n: length, mean: (add / length | floor)})' "$b"/bigints_array.json
  jaq -c 'map(tostring | length) | [min, max, add]' "$b"/massive_ints_array.json "$b"/long_significand_floats.json
  jaq -c 'map(floor * 3 + 1 | tostring | tonumber) | [.[0:5], (map(select(. > 500)) | length)]' "$b"/floats_array.json
  jaq -c 'map(ascii_downcase) | unique | [length, .[0], .[-1]], (map(explode | add) | add)' "$b"/string_array_unique.json
  jaq -c '(explode | length), ([splits("\\s+")] | length), (ascii_downcase | test("json"))' "$b"/unicode.json "$b"/unicode_dense.json "$b"/sentence.json
  jaq -c '[paths] | length, ([.. | scalars] | map(type) | group_by(.) | map({(.[0]): length}) | add)' "$b"/pass1.json "$b"/medium_response.json
  jaq -c 'to_entries | map(select(.value) | .key | ltrimstr("k_") | tonumber) | add' "$b"/true_object.json
done
