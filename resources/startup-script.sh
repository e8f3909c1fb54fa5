#!/bin/bash
# Headroom Spot VM startup script (set as the instance's startup-script metadata by Headroom).
# Starts the backend the gateway routes heavy work to, on 127.0.0.1 ONLY, port gcp.backendPort. Headroom reaches it
# through an SSH tunnel (a local port forward to this VM's 127.0.0.1:PORT, logging in as user "headroom" with a key
# made for this VM alone and installed by the guest environment from the ssh-keys metadata; the VM's host key is
# pinned from its guest attributes). Nothing here listens on the VM's external address: no firewall rule is needed
# beyond SSH.
# Metadata keys read: headroom-backend-port (Headroom sets it from gcp.backendPort; default 8080) and
# headroom-container (optional: a container image to run there, given PORT in its environment; it should answer
# GET /health, which the gateway's health check asks through the tunnel).
set -euo pipefail
md() { curl -fs -H "Metadata-Flavor: Google" "http://metadata.google.internal/computeMetadata/v1/instance/attributes/$1" || true; }
PORT="$(md headroom-backend-port)"; PORT="${PORT:-8080}"
if ! [[ "$PORT" =~ ^[0-9]{1,5}$ ]] || [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then
  echo "headroom: invalid headroom-backend-port '$PORT'" >&2
  exit 1
fi
IMAGE="$(md headroom-container)"
if [ -n "$IMAGE" ]; then
  if ! command -v docker >/dev/null; then
    apt-get update -qq && apt-get install -y -qq docker.io
  fi
  # Published on the VM's loopback only: reachable through the tunnel, not from the internet.
  docker run -d --restart=always -p "127.0.0.1:$PORT:$PORT" -e PORT="$PORT" "$IMAGE"
else
  # No workload configured yet: a real health endpoint (GET /health -> 200 {"status":"ok"}); every other path is
  # 404, so nothing of the VM's disk is served.
  if ! command -v python3 >/dev/null; then
    apt-get update -qq && apt-get install -y -qq python3
  fi
  mkdir -p /opt/headroom
  cat > /opt/headroom/health.py <<'PY'
import http.server
import sys


class Health(http.server.BaseHTTPRequestHandler):
    def _answer(self, with_body):
        if self.path.split("?", 1)[0] != "/health":
            self.send_error(404)
            return
        body = b'{"status":"ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def do_GET(self):
        self._answer(True)

    def do_HEAD(self):
        self._answer(False)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Health).serve_forever()
PY
  nohup python3 /opt/headroom/health.py "$PORT" >/var/log/headroom-backend.log 2>&1 &
fi
