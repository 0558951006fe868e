#!/usr/bin/env bash
# Command one of the README: install, put lading and ladingd on PATH, start ladingd on its
# embedded defaults (data root /var/lib/lading, socket /run/lading/lading.sock) unless one
# already answers, and run the demo. LADING_DEMO_STOP=1 stops the daemon afterwards (CI).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

bash scripts/install-deps.sh
ln -sf "$repo/bin/lading" /usr/local/bin/lading
ln -sf "$repo/bin/ladingd" /usr/local/bin/ladingd

socket=/run/lading/lading.sock
started=""
if ! lading version >/dev/null 2>&1; then
  mkdir -p /var/log/lading
  echo "starting ladingd (log: /var/log/lading/ladingd.log)"
  setsid ladingd >>/var/log/lading/ladingd.log 2>&1 < /dev/null &
  started=$!
  for _ in $(seq 1 200); do
    [ -S "$socket" ] && lading version >/dev/null 2>&1 && break
    if ! kill -0 "$started" 2>/dev/null; then
      echo "ladingd failed to start:" >&2
      tail -n 20 /var/log/lading/ladingd.log >&2
      exit 1
    fi
    sleep 0.1
  done
fi

bash scripts/demo.sh

if [ "${LADING_DEMO_STOP:-}" = 1 ] && [ -n "$started" ]; then
  kill -TERM "$started"
  while kill -0 "$started" 2>/dev/null; do sleep 0.1; done
  echo "ladingd stopped"
fi
