#!/usr/bin/env bash
# Runs Schemathesis (every check, tests/api/schemathesis.toml) against a real `convene serve
# --demo` on a fresh SQLite file, signed in as the demo organiser. Any finding fails.
#   usage: tests/api/schemathesis.sh PATH/TO/convene PATH/TO/schemathesis [extra schemathesis args]
set -euo pipefail
binary="$1"; schemathesis="$2"; shift 2
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
CONVENE_ADDR="127.0.0.1:$port" DATABASE_URL="sqlite://$work/convene.db?mode=rwc" \
  CONVENE_RATE_LIMIT=0 CONVENE_SIGNIN_LIMIT=1000000 CONVENE_MAIL_DIR="$work/mail" \
  "$binary" serve --demo >"$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fs "$base/health" >/dev/null 2>&1 && break; sleep 0.2; done
token="$(curl -fs -X POST "$base/api/v1/auth/token" -H 'content-type: application/json' \
  -d '{"email":"admin@convene.localhost","password":"convene-demo"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
"$schemathesis" --config-file "$here/schemathesis.toml" run "$base/api/openapi.json" \
  --url "$base" -H "Authorization: Bearer $token" --checks all --no-color "$@"
