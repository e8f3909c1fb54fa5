#!/usr/bin/env bash
# Gateway vs nginx proxying the same upstream, in one run, on loopback only (DESIGN.md 5: >= 0.5x nginx's req/s,
# <= 50 us median added latency). Starts an upstream (nginx answering a 2-byte 200), nginx as a reverse proxy to it
# (keep-alive upstream pool), and the packaged Headroom --headless with one LOCAL_ONLY route to it; measures each of
# direct / nginx / gateway with wrk, then stops everything it started.
#   Throughput: wrk -t2 -c32 for SECONDS.  Latency: wrk -t1 -c1 (one request at a time) --latency, median.
# Usage: src/bench/gateway-vs-nginx.sh [seconds=10] [jvm=both|shipped|default]
#   shipped = packaging/jvm.options (C1 only, serial GC: what the installers run); default = the JVM's defaults.
# Needs: apt-get install -y nginx-light wrk.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs="${1:-10}"; jvm="${2:-both}"
command -v nginx >/dev/null && command -v wrk >/dev/null || { echo "needs: apt-get install -y nginx-light wrk" >&2; exit 1; }
[ -f target/headroom.jar ] || mvn -q -B -DskipTests package
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
up=$(free_port); px=$(free_port)

# nginx in the foreground (daemon off), worker_processes auto (Debian's default), access logs off; the upstream and
# the proxy are separate nginx processes.
nginx_conf() { # name body
  mkdir -p "$work/$1"
  cat > "$work/$1/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $work/$1/nginx.pid;
error_log $work/$1/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/$1/body; proxy_temp_path $work/$1/proxy; fastcgi_temp_path $work/$1/fcgi;
  uwsgi_temp_path $work/$1/uwsgi; scgi_temp_path $work/$1/scgi;
  keepalive_requests 1000000;
  $2
}
CONF
  nginx -c "$work/$1/nginx.conf" -e "$work/$1/error.log" & pids+=($!)
}
nginx_conf upstream "server { listen 127.0.0.1:$up; location / { default_type text/plain; return 200 'ok'; } }"
nginx_conf proxy "upstream up { server 127.0.0.1:$up; keepalive 64; }
  server { listen 127.0.0.1:$px; location /b/ { proxy_pass http://up/; proxy_http_version 1.1;
    proxy_set_header Connection \"\"; } }"

wait_port() { for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.05; done; echo "port $1 never opened" >&2; exit 1; }
wait_port "$up"; wait_port "$px"

# wrk prints "Requests/sec: N" and, with --latency, "50%  123.00us".
rps() { wrk -t2 -c32 -d"${secs}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
p50() { wrk -t1 -c1 -d"${secs}s" --latency "$1" | awk '$1 == "50%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); print v} else if (v ~ /ms$/) {sub(/ms/,"",v); print v*1000} else {sub(/s/,"",v); print v*1e6}}'; }

start_gateway() { # label jvm-options...
  local label=$1; shift
  local home="$work/home-$label"; mkdir -p "$home"
  echo "{\"gateway\":{\"port\":0,\"routes\":[{\"name\":\"b\",\"pathPrefix\":\"/b/\",\"policy\":\"LOCAL_ONLY\",\"localUrl\":\"http://127.0.0.1:$up\",\"kind\":\"GENERIC\"}]}}" > "$home/config.json"
  HEADROOM_HOME="$home" java "$@" -jar target/headroom.jar --headless > "$home/app.log" 2>&1 & gpid=$!; pids+=($gpid)
  for _ in $(seq 300); do
    gw=$(sed -n 's/^Headroom running headless; gateway on \(http:\/\/127.0.0.1:[0-9]*\).*/\1/p' "$home/app.log")
    [ -n "$gw" ] && break; sleep 0.1
  done
  [ -n "$gw" ] || { echo "gateway did not start:"; cat "$home/app.log"; exit 1; }
}
stop_gateway() { kill "$gpid"; for _ in $(seq 100); do kill -0 "$gpid" 2>/dev/null || break; sleep 0.1; done; }

echo "warming up nginx and the upstream..."
wrk -t2 -c32 -d3s "http://127.0.0.1:$px/b/" > /dev/null
d_rps=$(rps "http://127.0.0.1:$up/"); d_p50=$(p50 "http://127.0.0.1:$up/")
n_rps=$(rps "http://127.0.0.1:$px/b/"); n_p50=$(p50 "http://127.0.0.1:$px/b/")
printf "%-28s %12s %12s %14s\n" "path" "req/s" "p50 (us)" "added p50 (us)"
printf "%-28s %12.0f %12.1f %14s\n" "direct (upstream)" "$d_rps" "$d_p50" "-"
printf "%-28s %12.0f %12.1f %14.1f\n" "nginx" "$n_rps" "$n_p50" "$(echo "$n_p50 - $d_p50" | bc -l)"
run_gateway() { # label jvm-options...
  local label=$1
  start_gateway "$@"
  wrk -t2 -c32 -d"$((secs > 10 ? secs : 10))s" "$gw/b/" > /dev/null   # JIT warm-up
  g_rps=$(rps "$gw/b/"); g_p50=$(p50 "$gw/b/")
  stop_gateway
  printf "%-28s %12.0f %12.1f %14.1f   throughput %.2fx nginx; added latency %+.1f us (nginx %+.1f us)\n" \
    "gateway ($label)" "$g_rps" "$g_p50" "$(echo "$g_p50 - $d_p50" | bc -l)" "$(echo "$g_rps / $n_rps" | bc -l)" \
    "$(echo "$g_p50 - $d_p50" | bc -l)" "$(echo "$n_p50 - $d_p50" | bc -l)"
}
case "$jvm" in
  both) run_gateway "default JIT"; run_gateway "shipped jvm.options" @packaging/jvm.options ;;
  shipped) run_gateway "shipped jvm.options" @packaging/jvm.options ;;
  default) run_gateway "default JIT" ;;
  *) echo "jvm must be both, shipped or default" >&2; exit 64 ;;
esac
