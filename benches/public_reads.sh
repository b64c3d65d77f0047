#!/usr/bin/env bash
# Public reads under load: requests/s and p50/p99 of the programme JSON (three zones), the event
# .ics feed and schedule.xml, for the Izmir demo and a generated 300-session, 600-speaker event,
# cold (CONVENE_READ_CACHE_MB=0: every request renders) and warm (the in-memory cache), with the
# server's peak memory. Prints the tables for BENCHMARKS.md.
#
# usage: bash benches/public_reads.sh [seconds-per-run]     (default 10)
# env:   DATABASE_URL  benchmark on this database instead of a fresh SQLite file
#        CONNECTIONS   wrk connections (default 64)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
CONNECTIONS="${CONNECTIONS:-64}"
PORT=39173
BASE="http://127.0.0.1:$PORT"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release --quiet
WORK="$(mktemp -d)"
DB="${DATABASE_URL:-sqlite://$WORK/bench.db?mode=rwc}"
SERVER=""
stop_server() { if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=""; fi; }
trap 'stop_server; rm -rf "$WORK"' EXIT

start_server() { # $1: cache MiB
  DATABASE_URL="$DB" CONVENE_ADDR="127.0.0.1:$PORT" CONVENE_PUBLIC_URL="$BASE" CONVENE_LOG=warn \
    CONVENE_OUTBOX_WORKER=off CONVENE_MAIL_DIR="$WORK/mail" CONVENE_READ_CACHE_MB="$1" \
    target/release/convene serve --demo >"$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do curl -sf "$BASE/health" >/dev/null && return; sleep 0.1; done
  cat "$WORK/server.log"; exit 1
}

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# The generated event, created, imported and published once through the API.
start_server 64
TOKEN=$(curl -sf "$BASE/api/v1/auth/token" -H 'content-type: application/json' \
  -d '{"email":"admin@convene.localhost","password":"convene-demo"}' | json "['token']")
AUTH="authorization: Bearer $TOKEN"
if ! curl -sf "$BASE/api/v1/events/bench-300" >/dev/null; then
  curl -sf "$BASE/api/v1/events" -H "$AUTH" -H 'content-type: application/json' -d '{
    "slug": "bench-300", "title": "Generated summit: 300 sessions, 600 speakers", "kind": "summit",
    "attendance": "on_site", "timezone": "Europe/Paris", "starts_on": "2022-06-13", "ends_on": "2022-06-17",
    "venue": "Paris", "default_language": "en",
    "display_zones": [{"label": "Paris", "timezone": "Europe/Paris"}, {"label": "Izmir", "timezone": "Europe/Istanbul"},
                      {"label": "Montréal", "timezone": "America/Montreal"}]}' >/dev/null
  python3 benches/generate_programme.py bench-300 >"$WORK/bench-300.json"
  curl -sf "$BASE/api/v1/events/bench-300/import" -H "$AUTH" -H 'content-type: application/json' \
    --data-binary @"$WORK/bench-300.json" | json "['sessions_created'].__len__()" | sed 's/^/imported sessions: /'
  curl -sf -X POST "$BASE/api/v1/events/bench-300/publish" -H "$AUTH" | json "['published'].__len__()" | sed 's/^/published sessions: /'
fi
stop_server

URLS=(
  "Izmir programme JSON (3 zones)|/api/v1/events/izmir-2021/programme?tz=Europe/Istanbul&tz=Europe/Paris&tz=America/Montreal"
  "Izmir event feed (.ics)|/api/v1/events/izmir-2021/calendar.ics"
  "Izmir schedule.xml|/api/v1/events/izmir-2021/schedule.xml"
  "300-session programme JSON (3 zones)|/api/v1/events/bench-300/programme?tz=Europe/Paris&tz=Europe/Istanbul&tz=America/Montreal"
  "300-session event feed (.ics)|/api/v1/events/bench-300/calendar.ics"
  "300-session schedule.xml|/api/v1/events/bench-300/schedule.xml"
)

# wrk's summary as "req/s|p50|p99|non-2xx"
measure() { # $1 url, rest: extra wrk args
  local url="$1"; shift
  local out; out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {printf "%d", $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $NF}' <<<"$out"); errors=${errors:-0}
  echo "$rps|$p50|$p99|$errors"
}

printf '\n%s connections, %ss per run, %s\n\n' "$CONNECTIONS" "$DURATION" "$(nproc) cores"
printf '| read | mode | size | requests/s | p50 | p99 | first request | non-2xx |\n|---|---|---|---|---|---|---|---|\n'
for mode in cold warm; do
  if [ "$mode" = cold ]; then start_server 0; else start_server 64; fi
  for entry in "${URLS[@]}"; do
    name="${entry%%|*}"; path="${entry#*|}"
    first=$(curl -s -o "$WORK/body" -w '%{time_total}' "$BASE$path")
    size=$(stat -c %s "$WORK/body")
    result=$(measure "$BASE$path")
    IFS='|' read -r rps p50 p99 errors <<<"$result"
    printf '| %s | %s | %s KiB | %s | %s | %s | %.1f ms | %s |\n' "$name" "$mode" "$((size / 1024))" "$rps" "$p50" "$p99" \
      "$(python3 -c "print($first*1000)")" "$errors"
  done
  # Compressed, as browsers and most calendar clients ask for it.
  path="${URLS[0]#*|}"
  result=$(measure "$BASE$path" -H 'Accept-Encoding: gzip')
  IFS='|' read -r rps p50 p99 errors <<<"$result"
  printf '| %s, gzip | %s | | %s | %s | %s | | %s |\n' "${URLS[0]%%|*}" "$mode" "$rps" "$p50" "$p99" "$errors"
  peak=$(awk '/VmHWM/ {printf "%d", $2/1024}' "/proc/$SERVER/status")
  printf '| server peak memory (VmHWM) | %s | | | | | %s MiB | |\n' "$mode" "$peak"
  stop_server
done
