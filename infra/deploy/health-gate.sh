#!/usr/bin/env bash
# Post-deploy health gate: every check must pass in the same round before the timeout, or it exits 1
# (the deploy workflow then rolls back to the previous release).
#
#   health-gate.sh CHECK...
#     ready:URL[@MACHINE]  GET answers 200 with a JSON "status" (the edge's /health/ready: 503 when
#                          Postgres or Redis is down; 200 "degraded" when only S3 or a provider is)
#     live:URL[@MACHINE]   GET answers 200 (/health of groups without readiness: realtime, sandbox)
#     ws:URL[@MACHINE]     a WebSocket handshake with subprotocol interview.v1 answers 101 Switching
#                          Protocols (ws:// or wss://; no token is sent, so the socket is then closed 4001)
#   @MACHINE sends fly-force-instance-id: MACHINE, so Fly's proxy routes to that machine.
#   GATE_TIMEOUT_SECONDS (default 120), GATE_INTERVAL_SECONDS (default 5), GATE_REQUEST_SECONDS (default 5)
set -uo pipefail

timeout_s="${GATE_TIMEOUT_SECONDS:-120}"
interval_s="${GATE_INTERVAL_SECONDS:-5}"
request_s="${GATE_REQUEST_SECONDS:-5}"
[ $# -gt 0 ] || { echo "usage: health-gate.sh ready:URL[@MACHINE] | live:URL[@MACHINE] | ws:URL[@MACHINE] ..." >&2; exit 2; }
for check in "$@"; do
  case "$check" in
    ready:http://*|ready:https://*|live:http://*|live:https://*|ws:ws://*|ws:wss://*) ;;
    *) echo "health-gate: not a check: $check" >&2; exit 2 ;;
  esac
done

# one check; prints why it failed
run_check() {
  local kind="${1%%:*}" rest="${1#*:}" url machine headers=() code body
  url="${rest%@*}"
  machine=""
  [ "$url" != "$rest" ] && machine="${rest##*@}"
  [ -n "$machine" ] && headers+=(-H "fly-force-instance-id: $machine")
  case "$kind" in
    ready|live)
      body="$(mktemp)"
      code="$(curl -sS -o "$body" -w '%{http_code}' --max-time "$request_s" "${headers[@]}" "$url" 2>/dev/null)"
      if [ "$code" != "200" ]; then
        echo "$kind $url${machine:+ @$machine}: HTTP ${code:-none}"; rm -f "$body"; return 1
      fi
      if [ "$kind" = ready ] && ! grep -Eq '"status"[[:space:]]*:' "$body"; then
        echo "ready $url${machine:+ @$machine}: 200 without a readiness document"; rm -f "$body"; return 1
      fi
      rm -f "$body"
      ;;
    ws)
      url="${url/#ws:/http:}"
      url="${url/#wss:/https:}"
      # the server keeps the upgraded socket open: curl stops at --max-time, the status is already known
      code="$(curl -sS -o /dev/null -w '%{http_code}' --http1.1 --max-time "$request_s" "${headers[@]}" \
        -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
        -H 'Sec-WebSocket-Key: aW50ZXJ2aWV3cm9vbS1nYXRl' -H 'Sec-WebSocket-Protocol: interview.v1' \
        "$url" 2>/dev/null)"
      if [ "$code" != "101" ]; then
        echo "ws $url${machine:+ @$machine}: HTTP ${code:-none}, not 101"; return 1
      fi
      ;;
  esac
  return 0
}

deadline=$(( $(date +%s) + timeout_s ))
round=0
while :; do
  round=$((round + 1))
  failures=()
  for check in "$@"; do
    if ! why="$(run_check "$check")"; then
      failures+=("$why")
    fi
  done
  if [ ${#failures[@]} -eq 0 ]; then
    echo "health gate passed: $# checks, round $round"
    exit 0
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "health gate FAILED after ${timeout_s}s:" >&2
    printf '  %s\n' "${failures[@]}" >&2
    exit 1
  fi
  sleep "$interval_s"
done
