#!/usr/bin/env bash
# The demo: what lading can do so far, against the running daemon. It grows with each issue.
set -euo pipefail
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

step lading version
step lading info --format 'Storage Driver: {{.Driver}}  Docker Root Dir: {{.DockerRootDir}}  Images: {{.Images}}'
step docker -H unix:///run/lading/lading.sock version --format '{{.Server.Version}} via the docker CLI'

# Images are read-only stacks of layers: make one from Debian's busybox-static.
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp"
cp "$(command -v busybox)" "$rootfs/bin/busybox"
for applet in sh ls cat echo; do ln -s busybox "$rootfs/bin/$applet"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$rootfs/etc/passwd"
printf '\n\033[1m$ %s\033[0m\n' "tar -C rootfs -c . | lading import -c 'CMD [\"/bin/sh\"]' - demo/busybox:latest"
tar -C "$rootfs" -c . | lading import -c 'CMD ["/bin/sh"]' - demo/busybox:latest
step lading images demo/busybox
step lading image inspect --format '{{.GraphDriver.Name}} {{json .RootFS.Layers}} {{json .Config.Cmd}}' demo/busybox
step lading history demo/busybox
printf '\n\033[1m$ lading save demo/busybox | lading load\033[0m\n'
lading save demo/busybox | lading load
step lading rmi demo/busybox
