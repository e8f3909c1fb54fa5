#!/bin/bash
# Headroom Spot VM startup script (set as the instance's startup-script metadata).
# Starts the backend that the gateway routes heavy work to, on the port Headroom expects (gcp.backendPort).
# Metadata keys read: headroom-backend-port (default 8080), headroom-container (a container image to run there).
set -euo pipefail
md() { curl -fs -H "Metadata-Flavor: Google" "http://metadata.google.internal/computeMetadata/v1/instance/attributes/$1" || true; }
PORT="$(md headroom-backend-port)"; PORT="${PORT:-8080}"
IMAGE="$(md headroom-container)"
if [ -n "$IMAGE" ]; then
  if ! command -v docker >/dev/null; then
    apt-get update -qq && apt-get install -y -qq docker.io
  fi
  docker run -d --restart=always -p "$PORT:$PORT" -e PORT="$PORT" "$IMAGE"
else
  # No workload configured yet: answer health checks so the gateway sees the VM as up.
  mkdir -p /opt/headroom && echo ok > /opt/headroom/health
  cd /opt/headroom && nohup python3 -m http.server "$PORT" >/var/log/headroom-backend.log 2>&1 &
fi
