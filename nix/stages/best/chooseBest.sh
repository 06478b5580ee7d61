# shellcheck shell=bash
# $out/bin: the chosen variant's bin/, copied; $out/nix-support/choice.json: why (the
# helper also prints a warning for each dropped variant, on stderr). chooseArgs: an
# evaluation to choose from, or the lock whose choice to take.
# workloadSources: what the evaluation workloads are made of (JSON), recorded in the
# choice, and compared with a locked choice's.
# shellcheck disable=SC2154 # helper, chooseArgs, variants and workloadSources come from .attrs.sh
mkdir -p "$out/nix-support"
if [ -n "$workloadSources" ]; then
  printf '%s\n' "$workloadSources" >workloads.json
  chooseArgs+=(--workloads workloads.json)
fi
# Each variant's build: the chosen one's binaries are recorded in the choice (a locked
# choice's are compared with this build's).
for variant in "${!variants[@]}"; do
  chooseArgs+=(--variant "$variant=${variants[$variant]}")
done
chosen=$("$helper" choose-variant -o "$out/nix-support/choice.json" "${chooseArgs[@]}")
[ -n "${variants[$chosen]:-}" ] || die "the helper chose '$chosen', which is not one of the variants (${!variants[*]})"
log "shipping '$chosen'"
# Copied, not linked: the release holds the binaries themselves, byte for byte.
cp -r "${variants[$chosen]}/bin" "$out/bin"
