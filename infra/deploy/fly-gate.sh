#!/usr/bin/env bash
# The deploy workflow's gate over Fly machines: reads `flyctl machine list --json` (file or stdin) and
#   edge      -> ready:APP_URL/health/ready@machine   (readiness: Postgres, Redis, S3 from that machine)
#   realtime  -> live:APP_URL/health@machine and ws:APP_URL/ws@machine (a 101 handshake)
#   worker, sandbox (private, no public route) -> every machine started and all its Fly checks passing
# then runs health-gate.sh over the public checks. Every group needs at least one started machine.
#   fly-gate.sh APP_URL [MACHINES_JSON]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
app="${1:?usage: fly-gate.sh APP_URL [MACHINES_JSON]}"
app="${app%/}"
machines="$(cat "${2:-/dev/stdin}")"
ws_app="${app/#https:/wss:}"
ws_app="${ws_app/#http:/ws:}"

in_group() {
  jq -r --arg g "$1" '.[] | select(.config.metadata.fly_process_group == $g and .state == "started") | .id' <<<"$machines"
}

checks=()
problems=()
for group in edge realtime worker sandbox; do
  ids="$(in_group "$group")"
  if [ -z "$ids" ]; then
    problems+=("$group: no started machine")
    continue
  fi
  for id in $ids; do
    case "$group" in
      edge) checks+=("ready:$app/health/ready@$id") ;;
      realtime) checks+=("live:$app/health@$id" "ws:$ws_app/ws@$id") ;;
      *)
        failing="$(jq -r --arg id "$id" '.[] | select(.id == $id) | (.checks // [])[] | select(.status != "passing") | "\(.name)=\(.status)"' <<<"$machines")"
        [ -z "$failing" ] || problems+=("$group $id: checks not passing: $(echo $failing)")
        ;;
    esac
  done
done
stopped="$(jq -r '.[] | select(.state != "started" and .state != "stopped" and .state != "destroyed") | "\(.config.metadata.fly_process_group) \(.id): \(.state)"' <<<"$machines")"
[ -z "$stopped" ] || while IFS= read -r line; do problems+=("$line"); done <<<"$stopped"

if [ ${#problems[@]} -gt 0 ]; then
  echo "fly gate FAILED:" >&2
  printf '  %s\n' "${problems[@]}" >&2
  exit 1
fi
exec "$here/health-gate.sh" "${checks[@]}"
