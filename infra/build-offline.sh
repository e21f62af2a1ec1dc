#!/usr/bin/env bash
# Builds the fleetq image (infra/Dockerfile) where no base image can be pulled, and checks it.
#
# The base images become build arguments: one local image, made with debootstrap from Debian's own
# packages (bookworm, OpenJDK 17, git), serves as both the build and the runtime base. The CAs in
# /usr/local/share/ca-certificates are trusted inside it, for machines that reach Maven Central and
# Debian through a TLS proxy. The build runs with the host's network (a dockerd started with
# --bridge=none has no other). Then the image must print fleetq's help, run as user 10001 and have git.
#
# Usage (root, a running dockerd at $DOCKER_HOST, debootstrap installed):
#   bash infra/build-offline.sh [TAG]            default TAG: fleetq/fleetq:dev
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:-fleetq/fleetq:dev}
base=fleetq-local/bookworm-jdk17
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! docker image inspect "$base" >/dev/null 2>&1; then
  echo "build-offline: making $base with debootstrap (a few minutes)"
  debootstrap --variant=minbase --include=openjdk-17-jdk-headless,git,ca-certificates,openssh-client \
    bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log"
  rm -f "$work"/rootfs/var/cache/apt/archives/*.deb
  tar -C "$work/rootfs" -c . | docker import - "$base:bare" >/dev/null
  mkdir -p "$work/ca"
  cp /usr/local/share/ca-certificates/*.crt "$work/ca/" 2>/dev/null || true
  printf 'FROM %s:bare\nCOPY . /usr/local/share/ca-certificates/\nRUN update-ca-certificates\n' "$base" \
    >"$work/ca/Dockerfile"
  docker build -q --network host -t "$base" "$work/ca" >/dev/null
fi

echo "build-offline: building $tag"
docker build --network host -f infra/Dockerfile \
  --build-arg BUILD_IMAGE="$base" --build-arg BASE_IMAGE="$base" -t "$tag" .

docker run --rm --network none "$tag" --help | grep -q 'fleets of coding agents'
[ "$(docker run --rm --network none --entrypoint id "$tag" -u)" = 10001 ]
docker run --rm --network none --entrypoint git "$tag" --version
echo "build-offline: $tag prints its help, runs as uid 10001 and has git"
