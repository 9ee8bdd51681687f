#!/usr/bin/env bash
# Soak: a mixed load (bids over many lots, deals with live boards, SSE
# watchers) against one server for DURATION seconds (default 600), sampling
# the server's resident memory, goroutines and open files every 30 s.
# Outside CI; loopback only; it stops by itself. Usage: scripts/soak.sh [SECONDS] [DB]
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-600}
work=$(mktemp -d)
db=${2:-$work/soak.db}
addr=127.0.0.1:18090
pprof=127.0.0.1:16090
go build -o "$work/niaga" ./cmd/niaga
"$work/niaga" bench demo --pprof "$pprof" --addr "$addr" --db "$db" --log error >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fs "http://$addr/readyz" >/dev/null && break; sleep 0.2; done

sample() {
  local rss fds gor
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  fds=$(ls /proc/$pid/fd | wc -l)
  curl -fs "http://$pprof/debug/pprof/goroutine?debug=1" -o "$work/goroutines" || true
  gor=$(awk 'NR == 1 {print $NF}' "$work/goroutines")
  printf '%6ss  rss %7d KiB  goroutines %6s  open files %5s\n' "$1" "$rss" "$gor" "$fds"
}

sample 0
t="http://$addr"
"$work/niaga" bench bids-spread --target "$t" --conns 16 --lots 200 --buyers 100 --duration "${dur}s" >"$work/bids.json" 2>&1 &
b=$!
"$work/niaga" bench deals --target "$t" --conns 4 --watchers 20 --duration "${dur}s" >"$work/deals.json" 2>&1 &
d=$!
"$work/niaga" bench watchers --target "$t" --conns 4 --watchers 300 --rate 20 --duration "${dur}s" >"$work/watch.json" 2>&1 &
w=$!
start=$(date +%s)
while kill -0 $b 2>/dev/null || kill -0 $d 2>/dev/null || kill -0 $w 2>/dev/null; do
  sleep 30
  sample $(( $(date +%s) - start ))
done
sleep 5
sample "end"
echo "--- load results"
cat "$work/bids.json" "$work/deals.json" "$work/watch.json"
