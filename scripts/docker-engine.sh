#!/usr/bin/env bash
# Start or stop a local Docker engine for kube-lab's Docker runtime and its tests.
#
#   bash scripts/docker-engine.sh start   # install docker.io + busybox-static when missing
#                                         # (root, apt-get), start dockerd unless an engine
#                                         # already answers, wait until it answers
#   bash scripts/docker-engine.sh stop    # stop the engine only if `start` started it
#   bash scripts/docker-engine.sh status  # say whether an engine answers
#
# `start` remembers the dockerd it started in .cache/docker-engine/dockerd.pid, so `stop`
# never touches an engine somebody else runs. Nothing here pulls an image: kube-lab builds
# its own images from busybox-static (`kube-lab images build`).
set -euo pipefail
cd "$(dirname "$0")/.."

state=.cache/docker-engine
pidfile="$state/dockerd.pid"
logfile="$state/dockerd.log"
wait_seconds="${DOCKER_ENGINE_WAIT:-60}"

answers() {
  command -v docker >/dev/null 2>&1 || return 1
  timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

install_missing() {
  local need=()
  command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
  [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 || need+=(busybox-static)
  [ ${#need[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "error: ${need[*]} missing; install them (as root: apt-get install ${need[*]})" >&2
    return 1
  fi
  echo "== apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" \
    >/dev/null
}

ours_running() {
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

start() {
  if answers; then
    echo "== docker engine answers ($(docker version --format '{{.Server.Version}}'))"
    # busybox-static is still needed to build kube-lab's images
    install_missing
    return 0
  fi
  install_missing
  if ours_running; then
    echo "== dockerd (pid $(cat "$pidfile")) is starting"
  else
    mkdir -p "$state"
    echo "== starting dockerd (log: $logfile)"
    setsid nohup dockerd >"$logfile" 2>&1 </dev/null &
    echo $! >"$pidfile"
  fi
  for _ in $(seq "$wait_seconds"); do
    if answers; then
      echo "== docker engine answers ($(docker version --format '{{.Server.Version}}'))"
      return 0
    fi
    if ! ours_running; then
      echo "error: dockerd exited; last lines of $logfile:" >&2
      tail -n 20 "$logfile" >&2
      rm -f "$pidfile"
      return 1
    fi
    sleep 1
  done
  echo "error: dockerd did not answer within ${wait_seconds}s; see $logfile" >&2
  return 1
}

stop() {
  if ! [ -f "$pidfile" ]; then
    echo "== no dockerd started by this script; leaving any engine alone"
    return 0
  fi
  local pid
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    echo "== stopping dockerd (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 30); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    if answers; then echo "docker engine answers"; else echo "no docker engine"; exit 1; fi
    ;;
  *)
    echo "usage: bash scripts/docker-engine.sh start|stop|status" >&2
    exit 2
    ;;
esac
