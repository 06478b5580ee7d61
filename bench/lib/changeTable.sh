# shellcheck shell=bash
# What the studies that evaluate variants under callgrind print (bench/go-inline-budget,
# bench/temporal-order, bench/cs-pgo). Sourced by their scripts.

# changeTable REF EVALUATION_JSON: a markdown table of every other variant's change against
# variant REF in estimated cycles / instructions (%), one row per workload, the variants in
# the evaluation's order. Fails when a count is missing rather than printing a change.
changeTable() {
  jq -r --arg ref "$1" '
    def pct(b; x): ((x / b - 1) * 10000 | round / 100) as $p | (if $p > 0 then "+" else "" end) + ($p | tostring);
    (.workloads[0].variants | keys_unsorted | map(select(. != $ref))) as $vs
    | "| vs \($ref): est. cycles / instructions (%) | " + ($vs | join(" | ")) + " |",
      "|---|" + ($vs | map("---:") | join("|")) + "|",
      (.workloads[] | .variants as $v | .workload as $w
        | if ([$vs[], $ref] | map($v[.].estimated_cycles // null) | any(. == null)) then
            error("changeTable: \($w) lacks an estimated cycle count")
          else . end
        | "| \($w) | " + ($vs | map("\(pct($v[$ref].estimated_cycles; $v[.].estimated_cycles)) / \(pct($v[$ref].instructions; $v[.].instructions))") | join(" | ")) + " |")
  ' "$2"
}
