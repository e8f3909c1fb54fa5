#!/usr/bin/env bash
# Gateway vs nginx proxying the same upstream, in one run, on loopback only (DESIGN.md 5: >= 0.5x nginx's req/s,
# <= 50 us median added latency). Starts an upstream (nginx answering a 2-byte 200), nginx as a reverse proxy to it
# (keep-alive upstream pool), and the packaged Headroom --headless with one LOCAL_ONLY route to it; measures direct /
# nginx / gateway with wrk, then stops everything it started.
#   Throughput: wrk -t2 -c32.  Latency: wrk -t1 -c1 (one request at a time) --latency, median (p50).
#   The three are measured in alternating rounds (direct, nginx, gateway, direct, ...) so a busy machine weighs on
#   all alike; the figures are the medians over the rounds, the ratios are computed per round, then the median taken.
# Usage: src/bench/gateway-vs-nginx.sh [seconds-per-measurement=5] [rounds=3] [jvm=both|shipped|default]
#   shipped = packaging/jvm.options (C1 only, serial GC: what the installers run); default = the JVM's defaults (C2).
# Needs: apt-get install -y nginx-light wrk.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs="${1:-5}"; rounds="${2:-3}"; jvm="${3:-both}"
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
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

start_gateway() { # label jvm-options...
  local label=$1; shift
  local home="$work/home-${label// /-}"; mkdir -p "$home"
  echo "{\"gateway\":{\"port\":0,\"routes\":[{\"name\":\"b\",\"pathPrefix\":\"/b/\",\"policy\":\"LOCAL_ONLY\",\"localUrl\":\"http://127.0.0.1:$up\",\"kind\":\"GENERIC\"}]}}" > "$home/config.json"
  HEADROOM_HOME="$home" java "$@" -jar target/headroom.jar --headless > "$home/app.log" 2>&1 & gpid=$!; pids+=($gpid)
  gw=""
  for _ in $(seq 300); do
    gw=$(sed -n 's/^Headroom running headless; gateway on \(http:\/\/127.0.0.1:[0-9]*\).*/\1/p' "$home/app.log")
    [ -n "$gw" ] && break; sleep 0.1
  done
  [ -n "$gw" ] || { echo "gateway did not start:"; cat "$home/app.log"; exit 1; }
  grep -o "Loopback server listening on .*" "$home/app.log" || true
}
stop_gateway() { kill "$gpid"; for _ in $(seq 100); do kill -0 "$gpid" 2>/dev/null || break; sleep 0.1; done; }

run() { # label jvm-options...
  local label=$1
  start_gateway "$@"
  wrk -t2 -c32 -d10s "$gw/b/" > /dev/null   # JIT warm-up
  wrk -t2 -c32 -d3s "http://127.0.0.1:$px/b/" > /dev/null
  : > "$work/r"
  for i in $(seq "$rounds"); do
    d=$(rps "http://127.0.0.1:$up/"); n=$(rps "http://127.0.0.1:$px/b/"); g=$(rps "$gw/b/")
    dl=$(p50 "http://127.0.0.1:$up/"); nl=$(p50 "http://127.0.0.1:$px/b/"); gl=$(p50 "$gw/b/")
    echo "$d $n $g $dl $nl $gl" >> "$work/r"
    printf "  round %d: req/s direct %.0f nginx %.0f gateway %.0f (%.2fx); p50 us direct %.0f nginx %.0f gateway %.0f\n" \
      "$i" "$d" "$n" "$g" "$(echo "$g / $n" | bc -l)" "$dl" "$nl" "$gl"
  done
  stop_gateway
  col() { awk -v c="$1" '{print $c}' "$work/r" | median; }
  ratio=$(awk '{print $3 / $2}' "$work/r" | median)
  nadd=$(awk '{print $5 - $4}' "$work/r" | median); gadd=$(awk '{print $6 - $4}' "$work/r" | median)
  printf "%-36s %10s %10s %16s\n" "gateway JVM: $label (medians of $rounds)" "req/s" "p50 (us)" "added p50 (us)"
  printf "%-36s %10.0f %10.1f %16s\n" "  direct (upstream)" "$(col 1)" "$(col 4)" "-"
  printf "%-36s %10.0f %10.1f %16.1f\n" "  nginx" "$(col 2)" "$(col 5)" "$nadd"
  printf "%-36s %10.0f %10.1f %16.1f\n" "  gateway" "$(col 3)" "$(col 6)" "$gadd"
  printf "  => gateway throughput %.2fx nginx; added median latency %+.1f us (nginx %+.1f us)\n" "$ratio" "$gadd" "$nadd"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
case "$jvm" in
  both) run "default (C2)"; run "shipped jvm.options (C1)" @packaging/jvm.options ;;
  shipped) run "shipped jvm.options (C1)" @packaging/jvm.options ;;
  default) run "default (C2)" ;;
  *) echo "jvm must be both, shipped or default" >&2; exit 64 ;;
esac
