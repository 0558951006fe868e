#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks for lading: Debian packages (runtime, test
# peers, containerd's .proto files), npm dependencies, and the build. Safe to run again: it
# only calls apt-get when a package is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  containerd runc iptables iproute2 tini          # what ladingd runs containers with
  golang-github-containerd-containerd-dev         # containerd's API .proto files
  busybox-static pigz zstd attr                   # test images and layer tools
  curl                                            # the demo's request to a published port
  docker-registry skopeo                          # a real registry and OCI reader for tests
  python3-docker                                  # docker-py, a real Engine API client for tests
)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
# The docker CLI is a test peer; this machine kind ships it in /usr/local/bin, else take Debian's.
command -v docker >/dev/null || missing+=(docker.io)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

npm ci --no-audit --no-fund --loglevel=error
npm run build --silent
