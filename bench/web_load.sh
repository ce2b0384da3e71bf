#!/usr/bin/env bash
# Load benchmark of the web application: 100 concurrent signed-in users (performance
# officers, analysts and a lead worker) on the families list (with problem and area filters
# and pages), family records and caseloads, over loopback only, for a bounded time.
# Target: p95 < 100 ms.
#
#   bench/web_load.sh                 # 20,000-person demo borough, 100 connections, 20 s
#   PEOPLE=5000 CONNECTIONS=50 DURATION=10s bench/web_load.sh
#   THINK_MS=1000 bench/web_load.sh   # each user reads a page for ~1 s before the next
#   DEMO_DIR=/tmp/borough bench/web_load.sh  # build the borough there once, reuse it after
#   CLAIMS=1 bench/web_load.sh        # the claims pages (issue 12) instead of the officers' mix
#
# DEMO_DIR: the demo borough's folder, kept between runs. If it already holds
# demo-sign-ins.json, the borough (and, with STORE=postgres://…, its schema) is reused as it
# is instead of being rebuilt: saves ~40 s a run at PEOPLE=300000. Delete the folder (or
# change PG_SCHEMA) to rebuild, e.g. after changing PEOPLE. HEARTH_BIN: the binary to serve
# with (default target/release/hearth), e.g. a copy of an earlier build to compare against.
#
# CPU_FRACTION=0.5 (root only, cgroup v1 or v2): runs the server, wrk and, for STORE=postgres://…,
# the local PostgreSQL server under a CPU quota of that fraction of the machine — a slower
# machine, to see how much headroom the target has. PostgreSQL is moved back on exit.
#
# Needs wrk (Debian: apt-get install -y wrk) and curl. Prints p50/p95/p99 and errors, and
# exits non-zero if p95 is over the target or any request failed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
people="${PEOPLE:-20000}"
connections="${CONNECTIONS:-100}"
duration="${DURATION:-20s}"
target_ms="${TARGET_P95_MS:-100}"
command -v wrk > /dev/null || { echo "web_load: wrk is missing (apt-get install -y wrk)" >&2; exit 1; }

[ -n "${HEARTH_SKIP_BUILD:-}" ] || cargo build --release -p hearth  # HEARTH_SKIP_BUILD=1: use the binary already built
work="$(mktemp -d)"
server=""
quota_group=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -n "$quota_group" ]; then
    # Back to the parent group: PostgreSQL (and this shell) leave the quota.
    for p in $(cat "$quota_group/cgroup.procs" 2>/dev/null); do echo "$p" > "$(dirname "$quota_group")/cgroup.procs" 2>/dev/null || true; done
    rmdir "$quota_group" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${CPU_FRACTION:-}" ]; then
  cores="$(nproc)"
  period=10000
  quota="$(python3 -c "print(int($CPU_FRACTION * $cores * $period))")"
  if [ -d /sys/fs/cgroup/cpu ] && [ -f /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then
    quota_group=/sys/fs/cgroup/cpu/hearth_web_load
    mkdir -p "$quota_group"
    echo "$period" > "$quota_group/cpu.cfs_period_us"
    echo "$quota" > "$quota_group/cpu.cfs_quota_us"
  elif [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    quota_group=/sys/fs/cgroup/hearth_web_load
    mkdir -p "$quota_group"
    echo "$quota $period" > "$quota_group/cpu.max"
  else
    echo "web_load: CPU_FRACTION needs a cgroup cpu controller" >&2; exit 1
  fi
  echo $$ > "$quota_group/cgroup.procs"
  if [[ "${STORE:-}" == postgres* ]]; then
    for p in $(pgrep -u postgres); do echo "$p" > "$quota_group/cgroup.procs"; done
  fi
  echo "CPU quota: $CPU_FRACTION of $cores cores (server, wrk${STORE:+, PostgreSQL})"
fi

# STORE=postgres://… (and PG_SCHEMA, default hearth_web_load) runs on PostgreSQL instead.
bin="${HEARTH_BIN:-./target/release/hearth}"
demo="${DEMO_DIR:-$work/demo}"
reuse=""
[ -n "${DEMO_DIR:-}" ] && [ -f "$demo/demo-sign-ins.json" ] && reuse=1
store="${STORE:-$demo/hearth.sqlite}"
store_args=(--store "$store")
if [[ "$store" == postgres* ]]; then
  schema="${PG_SCHEMA:-hearth_web_load}"
  [ -n "$reuse" ] || psql "$store" -q -c "DROP SCHEMA IF EXISTS $schema CASCADE" > /dev/null
  store_args+=(--pg-schema "$schema")
fi
if [ -n "$reuse" ]; then
  echo "Reusing the borough in $demo"
else
  "$bin" demo --dir "$demo" --people "$people" --no-serve "${store_args[@]}" > "$work/demo.log"
fi
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
url="http://127.0.0.1:$port"
"$bin" serve "${store_args[@]}" --addr "127.0.0.1:$port" > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fsS "$url/sign-in" > /dev/null 2>&1 && break; sleep 0.1; done

password() { python3 -c "import json,sys; print(json.load(open('$demo/demo-sign-ins.json'))['accounts']['$1']['password'])"; }
# Signs in and prints the session token.
sign_in() {
  local jar="$work/jar.$RANDOM" token
  token="$(curl -fsS -c "$jar" "$url/sign-in" | grep -o 'name="csrf_token" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//; s/"//')"
  curl -fsS -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf_token=$token" \
    --data-urlencode "user_name=$1" --data-urlencode "password=$2" "$url/sign-in"
  awk '$6 == "hearth_session" { print $7 }' "$jar"
  rm -f "$jar"
}

po_pw="$(password performance.officer)"; an_pw="$(password analyst)"; lw_pw="$(password lead.worker)"
echo "Signing in $connections sessions…"
{
  echo "sessions = {"
  for i in $(seq 1 "$connections"); do
    if (( i % 10 == 0 )); then echo "  {'lw', '$(sign_in lead.worker "$lw_pw")'},"
    elif (( i % 10 == 1 )); then echo "  {'an', '$(sign_in analyst "$an_pw")'},"
    else echo "  {'po', '$(sign_in performance.officer "$po_pw")'},"; fi
  done
  echo "}"
  po_token="$(sign_in performance.officer "$po_pw")"
  curl -fsS -b "hearth_session=$po_token" "$url/api/families" > "$work/families.json"
  echo "families = {$(python3 -c 'import json,sys; print(",".join(str(f["family_id"]) for f in json.load(open(sys.argv[1]))["families"][:200]))' "$work/families.json")}"
  echo "areas = {$(python3 -c 'import json,sys; print(",".join(sorted({repr(f["area"].replace(" ", "+")) for f in json.load(open(sys.argv[1]))["families"] if f.get("area")})))' "$work/families.json"), \"\"}"
  echo "assigned = {$(python3 -c "import json; print(','.join(str(f) for f in json.load(open('$demo/demo-sign-ins.json'))['assigned_to_lead_worker']))")}"
  if [ -n "${CLAIMS:-}" ]; then
    # CLAIMS=1: a batch claiming the eligible families (up to the cap, 1,930), as if each had
    # achieved significant and sustained progress; the officers then read the claims pages.
    python3 - "$work/families.json" "$work/results.json" <<'PY'
import json, sys
families = json.load(open(sys.argv[1]))["families"][:1930]
json.dump([{"family_id": f["family_id"], "kind": "significant_and_sustained_progress",
            "achieved_on": "2016-04-20", "problems": [p["key"] for p in f.get("problems", [])],
            "evidence": [], "rules_hash": ""} for f in families], open(sys.argv[2], "w"))
PY
    "$bin" claims prepare "${store_args[@]}" --window 2016-17-q1 --today 2016-05-03 --as bench \
      --results "$work/results.json" | tail -1 >&2
    batch="$(curl -fsS -b "hearth_session=$po_token" "$url/api/claims" | python3 -c 'import json,sys; print(json.load(sys.stdin)["batches"][0]["id"])')"
    echo "claim_batch = $batch"
    echo "claims = {$(curl -fsS -b "hearth_session=$po_token" "$url/api/claims/batches/$batch" | python3 -c 'import json,sys; print(",".join(str(c["id"]) for c in json.load(sys.stdin)["claims"][:200]))')}"
  else
    echo "claim_batch = nil"
  fi
} > "$work/data.lua"

cat "$work/data.lua" - > "$work/load.lua" <<'LUA'
local problems = {"", "crime_asb", "school_attendance", "worklessness", "health"}
-- THINK_MS > 0: each user waits that long between pages (a person reading), instead of
-- requesting again at once (a stress test).
local think = tonumber(os.getenv("THINK_MS") or "0")
if think > 0 then
  delay = function() return math.random(think / 2, think * 3 / 2) end
end
local counter = 0
request = function()
  counter = counter + 1
  local s = sessions[(counter % #sessions) + 1]
  local path
  if s[1] == "lw" then
    if counter % 2 == 0 then path = "/caseload"
    else path = "/families/" .. assigned[(counter % #assigned) + 1] end
  elseif s[1] == "po" and claim_batch then
    local r = counter % 4
    if r == 0 then path = "/claims"
    elseif r == 1 then path = "/claims/batches/" .. claim_batch
    elseif r == 2 then path = "/claims/batches/" .. claim_batch .. "/sample"
    else path = "/claims/" .. claims[(counter % #claims) + 1] end
  else
    local r = counter % 3
    if r == 0 then path = "/families?problem=" .. problems[(counter % #problems) + 1] .. "&area=" .. areas[(counter % #areas) + 1] .. "&page=" .. ((counter % 4) + 1)
    else path = "/families/" .. families[(counter % #families) + 1] end
  end
  return wrk.format("GET", path, {["Cookie"] = "hearth_session=" .. s[2]})
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d in %.1f s (%.0f/s), errors %d\n", summary.requests,
    summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
  io.write(string.format("latency ms: p50 %.1f  p95 %.1f  p99 %.1f  max %.1f\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("p95_ms=%.1f errors=%d\n", latency:percentile(95) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA

echo "wrk (one thread): $connections connections, think time ${THINK_MS:-0} ms, $duration, $people-person borough, store ${store%%://*}"
[ -n "${PERF_PID_FILE:-}" ] && echo "$server" > "$PERF_PID_FILE"
wrk -t1 -c"$connections" -d"$duration" --timeout 5s -s "$work/load.lua" "$url" | tee "$work/wrk.out"
p95="$(sed -n 's/^p95_ms=\([0-9.]*\).*/\1/p' "$work/wrk.out")"
errors="$(sed -n 's/.*errors=\([0-9]*\)$/\1/p' "$work/wrk.out")"
if python3 -c "import sys; sys.exit(0 if float('$p95') < $target_ms and int('$errors') == 0 else 1)"; then
  echo "PASS: p95 ${p95} ms < ${target_ms} ms, no errors"
else
  echo "FAIL: p95 ${p95} ms (target < ${target_ms} ms), errors ${errors}"
  exit 1
fi
