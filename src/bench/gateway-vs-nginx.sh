#!/usr/bin/env bash
# Gateway vs nginx proxying the same upstream, in one run, on loopback only (DESIGN.md 5: >= 0.5x nginx's req/s,
# <= 50 us median added latency). Starts an upstream (nginx answering a 2-byte 200), nginx as a reverse proxy to it
# (keep-alive upstream pool), and the packaged Headroom --headless with one LOCAL_ONLY route to it, once per JVM
# configuration asked for (all running at once, on their own ports); measures direct / nginx / each gateway with wrk,
# then stops everything it started.
#   Throughput: wrk -t2 -c32.  Latency: wrk -t1 -c1 (one request at a time) --latency, median (p50).
#   Everything is measured in alternating rounds (direct, nginx, gateway A, gateway B, ..., direct, ...) so a busy
#   machine weighs on all alike; the figures are the medians over the rounds, the ratios are computed per round
#   (against that round's nginx), then the median taken.
# Usage: src/bench/gateway-vs-nginx.sh [seconds-per-measurement=5] [rounds=3] [jvm...=shipped default]
#   jvm: shipped = packaging/jvm.options (what the README's run command and the installers use); default = the JVM's
#   own defaults; both = shipped default; a path ending in .jar = that build with the shipped options (to compare two
#   builds in the same rounds); any other word is a JVM options file (@file syntax, one option a line).
#   HEADROOM_JAR (default target/headroom.jar) picks the build, e.g. a copy with its lib/ so a rebuild cannot change it.
# Needs: apt-get install -y nginx-light wrk.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs="${1:-5}"; rounds="${2:-3}"; shift $(( $# < 2 ? $# : 2 ))
jvms=("$@"); [ ${#jvms[@]} -gt 0 ] || jvms=(both)
jar="${HEADROOM_JAR:-target/headroom.jar}"
command -v nginx >/dev/null && command -v wrk >/dev/null || { echo "needs: apt-get install -y nginx-light wrk" >&2; exit 1; }
[ -f "$jar" ] || [ -n "${HEADROOM_JAR:-}" ] || mvn -q -B -DskipTests package
[ -f "$jar" ] || { echo "no $jar" >&2; exit 1; }
unset HEADROOM_JAR # the app reads HEADROOM_* as settings
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

start_gateway() { # index label jvm-options... ; sets gws[index]
  local i=$1 label=$2; shift 2
  local home="$work/home-$i"; mkdir -p "$home"
  echo "{\"gateway\":{\"port\":0,\"routes\":[{\"name\":\"b\",\"pathPrefix\":\"/b/\",\"policy\":\"LOCAL_ONLY\",\"localUrl\":\"http://127.0.0.1:$up\",\"kind\":\"GENERIC\"}]}}" > "$home/config.json"
  : > "$home/app.log"
  HEADROOM_HOME="$home" java "$@" -jar "${jars[$i]}" --headless > "$home/app.log" 2>&1 & pids+=($!)
  local gw=""
  for _ in $(seq 300); do
    gw=$(sed -n 's/^Headroom running headless; gateway on \(http:\/\/127.0.0.1:[0-9]*\).*/\1/p' "$home/app.log")
    [ -n "$gw" ] && break; sleep 0.1
  done
  [ -n "$gw" ] || { echo "gateway ($label) did not start:"; cat "$home/app.log"; exit 1; }
  gws[$i]=$gw
  echo "gateway $((i + 1)): $label -> $gw ($(grep -o 'Loopback server listening on .*' "$home/app.log" | sed 's/.*(\(.*\))/\1/'))"
}

labels=(); opts=(); jars=()
for j in "${jvms[@]}"; do
  case "$j" in
    both) labels+=("shipped packaging/jvm.options" "JVM defaults"); opts+=("@packaging/jvm.options" ""); jars+=("$jar" "$jar") ;;
    shipped) labels+=("shipped packaging/jvm.options"); opts+=("@packaging/jvm.options"); jars+=("$jar") ;;
    default) labels+=("JVM defaults"); opts+=(""); jars+=("$jar") ;;
    *.jar) [ -f "$j" ] || { echo "no $j" >&2; exit 64; }
       labels+=("$j, shipped options"); opts+=("@packaging/jvm.options"); jars+=("$j") ;;
    *) [ -f "$j" ] || { echo "jvm must be shipped, default, both or an options file: $j" >&2; exit 64; }
       labels+=("$j"); opts+=("@$j"); jars+=("$jar") ;;
  esac
done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; jar $jar"
for i in "${!labels[@]}"; do
  [ "${opts[$i]}" = "@packaging/jvm.options" ] && echo "  shipped options: $(grep -v '^#' packaging/jvm.options | tr '\n' ' ')"
  [ -n "${opts[$i]}" ] && [ "${opts[$i]}" != "@packaging/jvm.options" ] && echo "  ${labels[$i]}: $(grep -v '^#' "${opts[$i]#@}" | tr '\n' ' ')"
  # shellcheck disable=SC2086
  start_gateway "$i" "${labels[$i]}" ${opts[$i]}
done
for i in "${!labels[@]}"; do wrk -t2 -c32 -d10s "${gws[$i]}/b/" > /dev/null; done   # JIT warm-up
wrk -t2 -c32 -d3s "http://127.0.0.1:$px/b/" > /dev/null
n=${#labels[@]}
: > "$work/r"
for r in $(seq "$rounds"); do
  line="$(rps "http://127.0.0.1:$up/") $(rps "http://127.0.0.1:$px/b/")"
  for i in "${!labels[@]}"; do line+=" $(rps "${gws[$i]}/b/")"; done
  line+=" $(p50 "http://127.0.0.1:$up/") $(p50 "http://127.0.0.1:$px/b/")"
  for i in "${!labels[@]}"; do line+=" $(p50 "${gws[$i]}/b/")"; done
  echo "$line" >> "$work/r"
  echo "$line" | awk -v n="$n" -v head="  round $r (load $(cut -d' ' -f1 /proc/loadavg)):" '{
    printf "%s req/s direct %.0f nginx %.0f", head, $1, $2
    for (i = 0; i < n; i++) printf " gw%d %.0f (%.2fx)", i + 1, $(3 + i), $(3 + i) / $2
    b = 3 + n; printf "; p50 us direct %.0f nginx %.0f", $b, $(b + 1)
    for (i = 0; i < n; i++) printf " gw%d %.0f", i + 1, $(b + 2 + i)
    print "" }'
done
# columns of r: 1 direct rps, 2 nginx rps, 3..2+n gateways rps, 3+n direct p50, 4+n nginx p50, 5+n.. gateways p50
col() { awk -v c="$1" '{print $c}' "$work/r" | median; }
nadd=$(awk -v n="$n" '{print $(4 + n) - $(3 + n)}' "$work/r" | median)
printf "%-44s %10s %10s %16s\n" "medians of $rounds rounds" "req/s" "p50 (us)" "added p50 (us)"
printf "%-44s %10.0f %10.1f %16s\n" "  direct (upstream)" "$(col 1)" "$(col $((3 + n)))" "-"
printf "%-44s %10.0f %10.1f %16.1f\n" "  nginx" "$(col 2)" "$(col $((4 + n)))" "$nadd"
for i in "${!labels[@]}"; do
  gadd=$(awk -v n="$n" -v i="$i" '{print $(5 + n + i) - $(3 + n)}' "$work/r" | median)
  ratio=$(awk -v i="$i" '{print $(3 + i) / $2}' "$work/r" | median)
  printf "%-44s %10.0f %10.1f %16.1f\n" "  gateway $((i + 1)) (${labels[$i]})" "$(col $((3 + i)))" "$(col $((5 + n + i)))" "$gadd"
  printf "  => gateway %d (%s): throughput %.2fx nginx; added median latency %+.1f us (nginx %+.1f us)\n" \
    "$((i + 1))" "${labels[$i]}" "$ratio" "$gadd" "$nadd"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
