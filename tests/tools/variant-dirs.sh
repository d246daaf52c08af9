#!/usr/bin/env bash
# variant-dirs.sh SCENARIO.json RESULT_DIR: the result folders of the
# scenario's variants in the scenario's own order (the first four), or
# RESULT_DIR itself when it has no variants. For `make gallery`.
set -eu
f=$1 dir=$2
names=$(grep -o '"name": *"[^"]*"' "$f" | sed 's/.*"name": *"\([^"]*\)"/\1/')
out=()
for n in $names; do
  [ -d "$dir/$n" ] && [ -f "$dir/$n/timeseries.csv" ] && out+=("$dir/$n")
done
if [ ${#out[@]} -eq 0 ]; then echo "$dir"; else printf '%s\n' "${out[@]:0:4}"; fi
