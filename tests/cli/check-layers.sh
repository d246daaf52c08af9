#!/usr/bin/env bash
# The layering of the source tree, checked on the include graph:
#   sim/base < sim/prim < sim/policy < sim/kernel < sim/model < viz < sim/edge
# A file may include files of its own layer and of the layers below it.
# Beyond that:
#  - above the policy layer, primitives are reached through sim/policy only;
#  - SDL is included under viz/ only, and never reaches a command-line file
#    (sim/edge) through any chain of includes;
#  - cJSON is included only by the files of the JSON layer listed below.
# Every quoted include must resolve to a file. Usage: check-layers.sh [ROOT]
set -u
root=${1:-$(dirname "$0")/../..}
cd "$root" || exit 2

# The JSON layer: the scenario loader, overrides, and the readers of result
# JSON (summary metrics for check). No other file sees cJSON.
json_layer=" sim/edge/json.c sim/edge/json.h sim/edge/loader.c sim/edge/loader_dist.c
  sim/edge/loader_faults.c sim/edge/loader_internal.h sim/edge/loader_policy.c
  sim/edge/loader_shape.c sim/edge/overrides.c sim/edge/metrics_read.c sim/edge/cli_check.c "

layer_of() {
  case $1 in
    sim/base/*) echo base ;; sim/prim/*) echo prim ;; sim/policy/*) echo policy ;;
    sim/kernel/*) echo kernel ;; sim/model/*) echo model ;; viz/*) echo viz ;;
    sim/edge/*) echo edge ;; *) echo other ;;
  esac
}
rank() {
  case $1 in
    base) echo 0 ;; prim) echo 1 ;; policy) echo 2 ;; kernel) echo 3 ;; model) echo 4 ;;
    viz) echo 5 ;; edge) echo 6 ;; *) echo 9 ;;
  esac
}

files=$(find sim viz -name '*.[ch]' 2>/dev/null | sort)
bad=0
declare -A deps sdl
for f in $files; do
  dir=$(dirname "$f")
  deps[$f]=""
  grep -qE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<SDL' "$f" && sdl[$f]=1
  while IFS= read -r inc; do
    target=$(realpath -m --relative-to=. "$dir/$inc")
    if [ ! -f "$target" ]; then
      echo "$f: includes \"$inc\", which is not a file"; bad=1; continue
    fi
    deps[$f]+=" $target"
    from=$(layer_of "$f") to=$(layer_of "$target")
    if [ "$(rank "$to")" -gt "$(rank "$from")" ]; then
      echo "$f: includes $target, a layer ($to) above $from"; bad=1
    elif [ "$to" = prim ] && [ "$(rank "$from")" -gt "$(rank policy)" ]; then
      echo "$f: includes the primitive $target directly; $from reaches primitives through sim/policy"; bad=1
    fi
  done < <(sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]+)".*/\1/p' "$f")
  if [ -n "${sdl[$f]:-}" ] && [ "$(layer_of "$f")" != viz ]; then
    echo "$f: includes SDL outside viz/"; bad=1
  fi
  if grep -qE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](cjson/)?cJSON\.h' "$f" &&
     [[ $json_layer != *" $f "* ]]; then
    echo "$f: includes cJSON outside the JSON layer"; bad=1
  fi
done

# SDL through any chain of includes into a command-line file.
reaches_sdl() { # reaches_sdl FILE: prints the chain to SDL, if any
  local start=$1
  local -A seen=()
  local queue=("$start") chain=()
  declare -A via=()
  while [ ${#queue[@]} -gt 0 ]; do
    local f=${queue[0]}; queue=("${queue[@]:1}")
    if [ -n "${sdl[$f]:-}" ]; then
      local c=$f
      while [ "$c" != "$start" ]; do chain=("$c" "${chain[@]}"); c=${via[$c]}; done
      echo "$start ${chain[*]}"; return 0
    fi
    for d in ${deps[$f]:-}; do
      [ -n "${seen[$d]:-}" ] && continue
      seen[$d]=1; via[$d]=$f; queue+=("$d")
    done
  done
  return 1
}
for f in $files; do
  [ "$(layer_of "$f")" = edge ] || continue
  if chain=$(reaches_sdl "$f"); then
    echo "$f: SDL reaches the command line: ${chain// / -> } -> <SDL.h>"; bad=1
  fi
done

[ $bad -eq 0 ] && echo "layers ok ($(echo "$files" | wc -w) files)"
exit $bad
