#!/usr/bin/env bash
# The demo: what lading can do so far, against the running daemon. It grows with each issue.
set -euo pipefail
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

step lading version
step lading info
step docker -H unix:///run/lading/lading.sock version --format '{{.Server.Version}} via the docker CLI'
