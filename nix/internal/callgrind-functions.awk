# Sums callgrind_annotate's per-function self instruction counts over one or more runs
# (`callgrind_annotate --inclusive=no --threshold=100 FILE`, concatenated) into lines of
# "count<TAB>function". The object in brackets and the "file:" prefix are dropped, so the
# same function has the same name in every variant.
/^ *[0-9][0-9,]* \( *[0-9.]+%\)  / {
  count = $1
  gsub(/,/, "", count)
  name = $0
  sub(/^ *[0-9][0-9,]* \( *[0-9.]+%\)  /, "", name)
  sub(/ \[[^]]*\]$/, "", name)
  sub(/^[^:]*:/, "", name)
  if (name == "PROGRAM TOTALS") next
  sum[name] += count
}
END {
  for (name in sum) printf "%.0f\t%s\n", sum[name], name
}
