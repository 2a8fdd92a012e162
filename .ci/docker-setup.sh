#!/usr/bin/env bash
# Prepares a Docker engine for the container-backed QEMU tests on a CI machine
# that has no container registry (Debian bookworm, run as root).
#
# Idempotent: every step is skipped when its result is already there.
#   1. install docker.io and debootstrap when missing
#   2. start dockerd (no bridge, no iptables: no networks are created) unless an engine answers
#   3. build a minimal Debian root with debootstrap and `docker import` it as the tag that
#      test-harness/src/main/docker/Dockerfile starts FROM, unless that tag exists
#
# Afterwards run the tests with the two variables printed at the end exported.
set -euo pipefail

BASE_TAG="${CAPAZ_BASE_IMAGE:-debian:bookworm-slim}"
SUITE=bookworm
DOCKERD_LOG=/tmp/dockerd.log

log() { echo "[docker-setup] $*"; }

# -- 1. packages ---------------------------------------------------------------------------
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q "${missing[@]}"
fi

# -- 2. engine -----------------------------------------------------------------------------
if docker info >/dev/null 2>&1; then
  log "a Docker engine already answers"
else
  # A dockerd that was killed leaves its pid file behind, and a new one refuses to start.
  if [[ -f /var/run/docker.pid ]] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    rm -f /var/run/docker.pid
  fi
  log "starting dockerd (log: $DOCKERD_LOG)"
  # --bridge=none: no docker0 bridge, so no private-range network is ever created.
  setsid nohup dockerd --bridge=none --iptables=false >"$DOCKERD_LOG" 2>&1 </dev/null &
  dockerd_pid=$!
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 1
  done
  if ! docker info >/dev/null 2>&1; then
    log "dockerd did not come up; last lines of $DOCKERD_LOG:"
    tail -n 20 "$DOCKERD_LOG" >&2 || true
    exit 1
  fi
  log "dockerd is up"
fi

# -- 3. base image -------------------------------------------------------------------------
if docker image inspect "$BASE_TAG" >/dev/null 2>&1; then
  log "base image $BASE_TAG already present"
else
  mirror=http://deb.debian.org/debian
  if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
    uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)
    [[ -n "$uri" ]] && mirror=$uri
  fi
  rootfs=$(mktemp -d /tmp/capaz-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  log "debootstrap --variant=minbase $SUITE from $mirror (takes a few minutes)"
  debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror" >/tmp/debootstrap.log 2>&1 || {
    log "debootstrap failed; last lines of /tmp/debootstrap.log:"
    tail -n 20 /tmp/debootstrap.log >&2
    exit 1
  }
  # Keep the image small, as the official -slim image is.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import - "$BASE_TAG" >/dev/null
  log "imported $BASE_TAG"
fi

# The Java code does not set these; CI exports them for Testcontainers on this engine.
echo "export TESTCONTAINERS_RYUK_DISABLED=true"
echo "export TESTCONTAINERS_HOST_OVERRIDE=localhost"
