#!/usr/bin/env bash
# Golden outputs: the result files of every bundled scenario, every variant,
# at its own duration and seed, checked in under tests/golden/.
#   golden.sh write BIN   regenerates them (`make golden`)
#   golden.sh check BIN   runs them again and compares byte for byte
# A change to them is a change of behaviour: it goes in a commit that says
# why, never as a side effect of a refactoring.
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:?usage: golden.sh write|check BIN}
bin=${2:?usage: golden.sh write|check BIN}
golden=tests/golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for f in scenarios/*.json; do
  name=$(basename "$f" .json)
  "$bin" run "$f" --quiet --out "$tmp/$name" >/dev/null
done

find "$tmp" -name .stampede.lock -delete # the folder's lock is not an output

case $mode in
write)
  rm -rf "$golden"/*/
  cp -r "$tmp"/* "$golden"/
  echo "golden outputs written to $golden/ ($(find "$golden" -type f -name '*.csv' -o -name '*.json' | wc -l) files)"
  ;;
check)
  if diff -r "$golden" "$tmp" -x README.md >"$tmp.diff" 2>&1; then
    echo "golden outputs identical ($(find "$tmp" -type f | wc -l) files)"
    rm -f "$tmp.diff"
  else
    head -40 "$tmp.diff"
    echo "golden outputs differ from $golden/ (see above); a deliberate change runs \`make golden\` and says why in its commit" >&2
    rm -f "$tmp.diff"
    exit 1
  fi
  ;;
*)
  echo "usage: golden.sh write|check BIN" >&2
  exit 2
  ;;
esac
