#!/usr/bin/env bash
# `make bench`: engine throughput and peak memory through the real
# `stampede run` path, results written. Each case runs three times; the best
# wall time is reported (the least disturbed by the rest of the machine);
# the long ten-service case runs once.
# Targets: M/M/4 >= 5 M customers/s and < 32 MiB; timers >= 1.5 M
# requests/s with memory proportional to users; the ten-service case
# (10 million client requests) is reported beside them.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${STAMPEDE:-build/stampede}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

bench() { # bench LABEL RUNS ARGS...
  local label=$1 runs=$2; shift 2
  local best=""
  for ((i = 0; i < runs; i++)); do
    line=$("$bin" run "$@" --quiet --stats --out "$out/$label" 2>&1 >/dev/null | grep '^stats:')
    rps=$(sed -n 's/.*requests_per_s=\([0-9]*\).*/\1/p' <<<"$line")
    if [ -z "$best" ] || [ "$rps" -gt "$(sed -n 's/.*requests_per_s=\([0-9]*\).*/\1/p' <<<"$best")" ]; then
      best=$line
    fi
  done
  eval "$(sed -n 's/.* wall_s=\([0-9.]*\) events=\([0-9]*\) events_per_s=\([0-9]*\) requests=\([0-9]*\) requests_per_s=\([0-9]*\) peak_rss_kib=\([0-9]*\).*/w=\1 ev=\2 evs=\3 rq=\4 rqs=\5 rss=\6/p' <<<"$best")"
  printf '%-34s %10s %12s %12s %10s %9s\n' "$label" "$rq" "$(awk -v x="$rqs" 'BEGIN{printf "%.2f M", x/1e6}')" \
    "$(awk -v x="$evs" 'BEGIN{printf "%.2f M", x/1e6}')" "$w" "$(awk -v x="$rss" 'BEGIN{printf "%.1f", x/1024}')"
}

printf '%-34s %10s %12s %12s %10s %9s\n' case requests "requests/s" "events/s" "wall s" "RSS MiB"
bench "M/M/4 rho=0.9, 20M customers" 3 scenarios/mmc.json --set duration_s=5556
bench "M/M/4 rho=0.9, 2M customers" 3 scenarios/mmc.json --set duration_s=556
bench "two-tier api-db, 10 min" 3 scenarios/api-db.json --set duration_s=600
bench "timers: 100k users, 1 s timeouts" 3 tests/bench/timers.json
bench "timers: 50k users (memory scales)" 3 tests/bench/timers.json --set clients.users.users=50000 --set services.svc.workers=50000
bench "ten services, fan-out, faults, 10M" 1 tests/bench/ten-services.json

# The timer design, measured on the queue alone (why timeouts live in FIFO
# lists rather than in the heap with lazy cancellation).
if [ -n "${EVENTQ_BENCH:-}" ]; then
  echo
  for mode in lists heap; do "$EVENTQ_BENCH" $mode 100000 5000000; done
fi
