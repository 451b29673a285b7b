#!/usr/bin/env bash
# Renders alertmanager.yml from alertmanager.yml.tmpl and the environment, then checks it:
#   ALERT_EMAIL_TO ALERT_EMAIL_FROM SMTP_SMARTHOST (host:port) SMTP_USERNAME SLACK_CHANNEL (without #)
#   SECRETS_DIR: a directory holding smtp_password and slack_webhook_url (files, never variables in the config)
# Usage: infra/alertmanager/render.sh OUTPUT_FILE
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: render.sh OUTPUT_FILE}"
vars=(ALERT_EMAIL_TO ALERT_EMAIL_FROM SMTP_SMARTHOST SMTP_USERNAME SLACK_CHANNEL SECRETS_DIR)
missing=()
for v in "${vars[@]}"; do
  [ -n "${!v:-}" ] || missing+=("$v")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "render.sh: set ${missing[*]}" >&2
  exit 2
fi
for f in smtp_password slack_webhook_url; do
  [ -s "$SECRETS_DIR/$f" ] || { echo "render.sh: $SECRETS_DIR/$f is missing or empty" >&2; exit 2; }
done
# only our variables are substituted: Alertmanager's own {{ templates }} and any other $ stay as they are
envsubst "$(printf '${%s} ' "${vars[@]}")" < "$here/alertmanager.yml.tmpl" > "$out"
if command -v amtool >/dev/null 2>&1; then
  amtool check-config "$out" >&2
fi
echo "$out"
