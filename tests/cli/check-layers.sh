#!/usr/bin/env bash
# Each layer of sim/ may include only itself and the layers below it:
#   base < prim < kernel < model < edge. viz/ alone may include SDL; sim/edge alone cJSON.
set -u
cd "$(dirname "$0")/../.."
rank() { case $1 in base) echo 0;; prim) echo 1;; kernel) echo 2;; model) echo 3;; edge) echo 4;; *) echo 9;; esac; }
bad=0
for f in sim/*/*.[ch]; do
  layer=$(basename "$(dirname "$f")")
  while IFS= read -r inc; do
    target=$(echo "$inc" | sed -n 's|.*"\.\./\([a-z]*\)/.*|\1|p')
    [ -n "$target" ] || continue
    if [ "$(rank "$target")" -gt "$(rank "$layer")" ]; then
      echo "$f: includes $target, a layer above $layer"; bad=1
    fi
  done < <(grep -E '^#include "' "$f")
  if grep -qE '#include [<"](SDL|cJSON)' "$f" && ! { [ "$layer" = edge ] && grep -q cJSON "$f"; }; then
    echo "$f: includes SDL or cJSON outside their layer"; bad=1
  fi
done
[ $bad -eq 0 ] && echo "layers ok"
exit $bad
