#!/usr/bin/env bash
# Retention purge of a year's expired partner records from a synthetic borough's store,
# while a signed-in performance officer keeps opening family pages (each one audited, so each
# one writes), to show the purge does not block the web pages. Issue #13's targets: the purge
# under 60 s, no page slower than 1 s meanwhile.
#   bench/retention.sh [PEOPLE]    (default 300000; HEARTH_BIN=path to measure a build;
#                                   STORE=postgres://… with PG_SCHEMA to run on PostgreSQL)
# Builds the borough with `hearth demo` (not timed); the policy keeps partner records five
# years from their own date, and is applied on the day that makes the oldest year expire.
set -euo pipefail
cd "$(dirname "$0")/.."
people="${1:-300000}"
[ -n "${HEARTH_BIN:-}" ] || cargo build --release -q -p hearth
bin="${HEARTH_BIN:-$PWD/target/release/hearth}"
work="${WORK:-/tmp/retention/bench-$people}"
rm -rf "$work"; mkdir -p "$work"
server=""
cleanup() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi; }
trap cleanup EXIT
store="${STORE:-$work/demo/hearth.sqlite}"
store_args=(--store "$store")
if [[ "$store" == postgres* ]]; then
  schema="${PG_SCHEMA:-hearth_retention_bench}"
  psql "$store" -q -c "DROP SCHEMA IF EXISTS $schema CASCADE" > /dev/null
  store_args+=(--pg-schema "$schema")
fi
echo "Building a $people-person borough (not timed)…"
"$bin" demo --dir "$work/demo" --people "$people" --no-serve "${store_args[@]}" > "$work/demo.log"

# The policy: shipped, but partner records dated by their own date.
"$bin" init "$work/config" > /dev/null
python3 - "$work/config/rules/retention.toml" <<'PY'
import re, sys
p = sys.argv[1]; s = open(p).read()
s = s.replace('[partner_records]\nyears = 5\nfrom = "import"', '[partner_records]\nyears = 5\nfrom = "record_date"')
open(p, "w").write(s)
PY
# "A year's expired data": the oldest year holding at least a fifth of the records (a few
# stray early dates would otherwise make the purge trivially small); the policy is applied on
# the day that makes that year (and the few records before it) expire: five years after its
# end.
year_sql="SELECT y FROM (SELECT substr(CAST(COALESCE(end_date, event_date) AS TEXT), 1, 4) AS y, count(*) AS n FROM record GROUP BY 1) t WHERE n * 5 >= (SELECT count(*) FROM record) ORDER BY y LIMIT 1"
if [[ "$store" == postgres* ]]; then
  first="$(psql "$store" -At -c "SET search_path TO $schema; $year_sql")"
else
  first="$(sqlite3 "$store" "$year_sql")"
fi
first="${first##*$'\n'}"
today="$((first + 6))-01-01"
echo "Applying the policy as on $today: records dated $first and earlier go."
"$bin" retention --dry-run --config "$work/config" --today "$today" "${store_args[@]}" | head -3

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
url="http://127.0.0.1:$port"
"$bin" serve "${store_args[@]}" --config "$work/config" --retention-at off --addr "127.0.0.1:$port" > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fsS "$url/sign-in" > /dev/null 2>&1 && break; sleep 0.1; done

# The prober: a performance officer opening family pages (audited) and the families list,
# one request at a time, recording each one's latency, until told to stop.
python3 - "$url" "$work/demo/demo-sign-ins.json" "$work/probe" <<'PY' &
import json, re, sys, time, urllib.request, urllib.parse, http.cookiejar, os, signal
url, signins, out = sys.argv[1:4]
pw = json.load(open(signins))["accounts"]["performance.officer"]["password"]
jar = http.cookiejar.CookieJar()
op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
page = op.open(url + "/sign-in").read().decode()
token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page).group(1)
op.open(url + "/sign-in", urllib.parse.urlencode({"csrf_token": token, "user_name": "performance.officer", "password": pw}).encode())
fams = [f["family_id"] for f in json.load(op.open(url + "/api/families"))["families"][:200]]
stop = False
def halt(*_):
    global stop; stop = True
signal.signal(signal.SIGTERM, halt)
open(out + ".ready", "w").close()
lat = []
i = 0
while not stop:
    path = "/families" if i % 5 == 0 else f"/families/{fams[i % len(fams)]}"
    t = time.monotonic()
    try:
        op.open(url + path).read()
        ok = True
    except Exception:
        ok = False
    lat.append((time.time(), time.monotonic() - t, ok, path))
    i += 1
    time.sleep(0.02)
json.dump(lat, open(out, "w"))
PY
prober=$!
for _ in $(seq 1 100); do [ -f "$work/probe.ready" ] && break; sleep 0.1; done
sleep 2
start="$(date +%s.%N)"
/usr/bin/time -f "%e %M" -o "$work/time.purge" "$bin" retention --apply --config "$work/config" --today "$today" "${store_args[@]}" > "$work/purge.log"
end="$(date +%s.%N)"
sleep 2
kill -TERM "$prober"; wait "$prober" || true
read -r secs kb < "$work/time.purge"
head -4 "$work/purge.log"
echo "purge: $secs s wall, $((kb / 1024)) MB peak"
python3 - "$work/probe" "$start" "$end" <<'PY'
import json, sys
lat = json.load(open(sys.argv[1])); s, e = float(sys.argv[2]), float(sys.argv[3])
# A request overlaps the purge if it ended after the purge began and began before it ended.
during = [l for l in lat if l[0] >= s and l[0] - l[1] <= e]
before = [l for l in lat if l[0] < s]
def show(name, xs):
    if not xs: print(f"{name}: no requests"); return
    d = sorted(x[1] * 1000 for x in xs)
    fails = sum(1 for x in xs if not x[2])
    print(f"{name}: {len(xs)} requests, median {d[len(d)//2]:.0f} ms, p95 {d[int(len(d)*0.95)]:.0f} ms, max {d[-1]:.0f} ms, {fails} failed")
show("pages before the purge", before)
show("pages during the purge", during)
PY
"$bin" audit verify "${store_args[@]}" | head -2
du -sh "$work" 2>/dev/null | tail -1
