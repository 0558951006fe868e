#!/usr/bin/env bash
# The demo: what lading can do so far, against the running daemon. It grows with each issue.
set -euo pipefail
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

step lading version
step lading info --format 'Storage Driver: {{.Driver}}  Docker Root Dir: {{.DockerRootDir}}  Images: {{.Images}}'
step docker -H unix:///run/lading/lading.sock version --format '{{.Server.Version}} via the docker CLI'

# Images are read-only stacks of layers: make one from Debian's busybox-static.
rootfs=$(mktemp -d) work=$(mktemp -d)
registry_pid="" mirror_daemon_pid=""
cleanup() {
  local rc=$? # the script's own status, not that of the clean-up
  lading rm -f web1 >/dev/null 2>&1 || true
  lading volume rm demo-data >/dev/null 2>&1 || true
  lading rmi demo/web1:v1 >/dev/null 2>&1 || true
  [ -n "$mirror_daemon_pid" ] && kill -TERM "$mirror_daemon_pid" 2>/dev/null && { wait "$mirror_daemon_pid" 2>/dev/null || true; }
  [ -n "$registry_pid" ] && kill -TERM "$registry_pid" 2>/dev/null && { wait "$registry_pid" 2>/dev/null || true; }
  rm -rf "$rootfs" "$work"
  exit "$rc"
}
trap cleanup EXIT
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/www"
cp "$(command -v busybox)" "$rootfs/bin/busybox"
for applet in sh ls cat echo rm httpd; do ln -s busybox "$rootfs/bin/$applet"; done
echo 'hello from web1' > "$rootfs/www/index.html"
echo 'root:x:0:0:root:/root:/bin/sh' > "$rootfs/etc/passwd"
printf '\n\033[1m$ %s\033[0m\n' "tar -C rootfs -c . | lading import -c 'CMD [\"/bin/sh\"]' - demo/busybox:latest"
tar -C "$rootfs" -c . | lading import -c 'CMD ["/bin/sh"]' - demo/busybox:latest
step lading images demo/busybox
step lading image inspect --format '{{.GraphDriver.Name}} {{json .RootFS.Layers}} {{json .Config.Cmd}}' demo/busybox
step lading history demo/busybox
printf '\n\033[1m$ lading save demo/busybox | lading load\033[0m\n'
lading save demo/busybox | lading load

# Containers: one image backs many containers, each with a read-write layer of its own on top
# of the image's (overlay2's LowerDir/UpperDir), started with the image config's CMD and ENV.
step lading run --rm demo/busybox echo hello from a container
# The seed's scenario: a web server published on a host port, reached through the bridge.
step lading run -itd --name web1 -p 127.0.0.1:8081:80 demo/busybox httpd -f -p 80 -h /www
step curl -s http://127.0.0.1:8081/
step lading port web1
step lading inspect --format '{{json .GraphDriver}}' web1
step lading inspect --format '{{json .NetworkSettings}}' web1
step lading exec web1 sh -c 'echo changed >> /etc/passwd; rm /bin/ls'
upper=$(lading inspect --format '{{.GraphDriver.Data.UpperDir}}' web1)
# Copy-on-write: the changed file was copied up, the deleted one is a whiteout (c 0,0).
step ls -l "$upper/etc/passwd" "$upper/bin/ls"
step lading run --rm demo/busybox cat /etc/passwd
step lading ps --format 'table {{.Names}}\t{{.Image}}\t{{.Command}}\t{{.Status}}'
# Changes outlive the container only if they are committed: diff lists them (read from the
# UpperDir), commit makes them an image layer, and a new container of that image has them.
step lading diff web1
step lading commit -m 'keep the change' web1 demo/web1:v1
step lading run --rm demo/web1:v1 cat /etc/passwd
step lading history demo/web1:v1
step lading rm -f web1
# Volumes: data kept outside any container's layers, in volumes/<name>/_data.
step lading run --rm -v demo-data:/data demo/busybox sh -c 'echo kept in a volume > /data/f'
step lading run --rm -v demo-data:/data demo/busybox cat /data/f
step lading volume ls
step lading volume rm demo-data
step lading rmi demo/web1:v1 demo/busybox

# Registries: a registry on 127.0.0.1 (Debian's docker-registry) to push to and pull from.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s/storage\nhttp:\n  addr: 127.0.0.1:%s\n' \
  "$work" "$port" > "$work/registry.yml"
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
tar -C "$rootfs" -c . | lading import -c 'CMD ["/bin/sh"]' - demo/busybox:latest >/dev/null
step lading tag demo/busybox "127.0.0.1:$port/library/busybox:latest"
step lading push "127.0.0.1:$port/library/busybox:latest"
step lading rmi demo/busybox "127.0.0.1:$port/library/busybox:latest"
step lading pull "127.0.0.1:$port/library/busybox:latest"
step lading rmi "127.0.0.1:$port/library/busybox:latest"

# The seed's 镜像加速器: a second ladingd whose only docker.io mirror is that registry, so
# `pull busybox` (docker.io/library/busybox:latest) comes through the mirror.
mkdir -p "$work/data" "$work/exec"
printf '{"registry-mirrors": {"docker.io": ["http://127.0.0.1:%s"]}}\n' "$port" > "$work/daemon.json"
ladingd --config-file "$work/daemon.json" --data-root "$work/data" --exec-root "$work/exec" \
  -H "unix://$work/exec/lading.sock" >"$work/ladingd.log" 2>&1 &
mirror_daemon_pid=$!
for _ in $(seq 1 200); do lading -H "unix://$work/exec/lading.sock" version >/dev/null 2>&1 && break; sleep 0.1; done
step lading -H "unix://$work/exec/lading.sock" info --format '{{json .RegistryConfig.Mirrors}}'
step lading -H "unix://$work/exec/lading.sock" pull busybox
step lading -H "unix://$work/exec/lading.sock" images busybox
