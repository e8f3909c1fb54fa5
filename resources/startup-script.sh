#!/bin/bash
# Headroom Spot VM startup script (set as the instance's startup-script metadata by Headroom).
# Starts the backend that the gateway routes heavy work to, on the port Headroom expects (gcp.backendPort).
# Metadata keys read: headroom-backend-port (Headroom sets it from gcp.backendPort; default 8080) and
# headroom-container (optional: a container image to run there, given PORT in its environment).
# The gateway reaches the VM on its external IP: the VPC needs a firewall rule allowing that port from your address.
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
  if ! command -v python3 >/dev/null; then
    apt-get update -qq && apt-get install -y -qq python3
  fi
  mkdir -p /opt/headroom && echo ok > /opt/headroom/health
  cd /opt/headroom && nohup python3 -m http.server "$PORT" >/var/log/headroom-backend.log 2>&1 &
fi
