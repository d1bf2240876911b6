#!/usr/bin/env bash
# Single-credit API under load: POST /v1/credits driven by wrk (bench/credit-single.lua), with group commit on and,
# in the same run and on the same database, with it off (one store transaction per request) as the baseline.
#
#   bench/credit-load.sh [--db PATH|CONNSTRING] [--connections N] [--threads N] [--duration S] [--warmup S]
#                        [--holders N] [--rounds N] [--modes 'on off'] [--pace MS [--pace-connections N]]
#                        [--port N] [--no-build]
#
# Builds Release, creates an operator key with `smallchange keys create-operator`, starts `smallchange serve` (a temp
# SQLite file unless --db names a database; a PostgreSQL connection string such as 'Host=...;Database=...' is passed
# through, and that database must exist), creates one USD source and --holders holders over the API, then for each
# round: group commit on, then off, each a --warmup run (not measured; the server restarts between modes, so this is
# also its JIT warm-up) and a --duration run of wrk --latency with --connections connections, as fast as the server
# answers (saturation). With --pace MS, each round also measures group commit at a paced rate: --pace-connections
# connections (default 128) that each pause a random 0..2 MS ms after every answer, to read the latency below
# saturation. Other SmallChange__Credits__* variables in the environment reach the server (for example
# SmallChange__Credits__GroupWaitMilliseconds=1). Afterwards it checks that the server holds at least as many credits
# as wrk saw acknowledged (and no more than could have been in flight when a run stopped), stops the server and runs
# `smallchange verify`. The last line is one JSON object (see docs/performance.md); exit 1 if a check failed.
# Needs curl, awk and wrk (installed with apt-get when missing and running as root). Does not need ../shared.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DB=""
CONNS=64
THREADS=2
DURATION=20
WARMUP=15
HOLDERS=200
ROUNDS=1
MODES="on off"
PACE=0
PACE_CONNS=128
PORT=5090
BUILD=1

usage() { sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --db) DB="$2"; shift 2 ;;
    --connections) CONNS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --holders) HOLDERS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --modes) MODES="$2"; shift 2 ;;
    --pace) PACE="$2"; shift 2 ;;
    --pace-connections) PACE_CONNS="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) usage 0 ;;
    *) echo "credit-load: unknown argument $1" >&2; usage ;;
  esac
done
[[ "$MODES" =~ ^(on|off)( (on|off))*$ ]] || { echo "credit-load: --modes takes on, off or both" >&2; exit 2; }
for n in "$CONNS" "$THREADS" "$DURATION" "$WARMUP" "$HOLDERS" "$ROUNDS" "$PACE" "$PACE_CONNS" "$PORT"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "credit-load: numeric options take whole numbers" >&2; exit 2; }
done
[[ $CONNS -ge $THREADS && $PACE_CONNS -ge $THREADS && $HOLDERS -ge 1 && $ROUNDS -ge 1 && $DURATION -ge 1 ]] \
  || { echo "credit-load: need connections >= threads and at least one holder, round and second" >&2; exit 2; }

log() { echo "credit-load: $*" >&2; }

if ! command -v wrk >/dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing wrk"
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y wrk >/dev/null; }
  fi
  command -v wrk >/dev/null || { echo "credit-load: wrk is required (apt-get install wrk)" >&2; exit 2; }
fi
for tool in curl awk dotnet; do
  command -v "$tool" >/dev/null || { echo "credit-load: $tool is required" >&2; exit 2; }
done

if [[ $BUILD -eq 1 ]]; then
  log "building Release"
  dotnet build "$ROOT/src/SmallChange/SmallChange.csproj" -c Release -v:q -nologo >&2
fi
DLL="$ROOT/src/SmallChange/bin/Release/net10.0/smallchange.dll"
[[ -f "$DLL" ]] || { echo "credit-load: $DLL not found (run without --no-build)" >&2; exit 2; }
sc() { dotnet "$DLL" "$@"; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/credit-load.XXXXXX")
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
[[ -n "$DB" ]] || DB="$WORK/credit-load.db"
BACKEND=sqlite
[[ "$DB" == *Host=* || "$DB" == *host=* || "$DB" == postgres://* || "$DB" == postgresql://* ]] && BACKEND=postgres
# A PostgreSQL store seals personal data with a key file every node shares; a fresh database is sealed with a
# throwaway key unless SMALLCHANGE_PII_KEY_FILE names one (set it to reuse a database across runs).
[[ $BACKEND == postgres ]] && export SMALLCHANGE_PII_KEY_FILE="${SMALLCHANGE_PII_KEY_FILE:-$WORK/pii-keys.json}"
API="http://127.0.0.1:$PORT"
RUN_ID="L$(date +%s)$$"

OPERATOR=$(sc keys create-operator --db "$DB" --label credit-load | tail -1)
[[ "$OPERATOR" == sck_* ]] || { echo "credit-load: could not create an operator key" >&2; exit 1; }

# start_server on|off: serve on $DB with group commit switched on or off (the hidden SmallChange__Credits__GroupCommit).
start_server() {
  local mode=$1
  if curl -s "$API/health" >/dev/null 2>&1; then
    echo "credit-load: something already listens on $API (use --port)" >&2
    exit 1
  fi
  SmallChange__Credits__GroupCommit=$([[ $mode == on ]] && echo true || echo false) \
    dotnet "$DLL" serve --db "$DB" --urls "$API" >"$WORK/serve-$mode.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    curl -sf "$API/health" >/dev/null 2>&1 && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.2
  done
  cat "$WORK/serve-$mode.log" >&2
  echo "credit-load: the server did not start" >&2
  exit 1
}

stop_server() {
  kill "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

field() { grep -o "\"$1\":\"[^\"]*\"" | head -1 | cut -d'"' -f4; }
num() { grep -o "\"$1\":[0-9.]*" | head -1 | cut -d: -f2; }

start_server on
SOURCE_JSON=$(curl -sf -X POST "$API/v1/sources" -H "Authorization: Bearer $OPERATOR" -H 'Content-Type: application/json' \
  -d '{"name":"credit-load '"$RUN_ID"'","type":"creator_earnings","currencies":["USD"]}')
SOURCE_KEY=$(field api_key <<<"$SOURCE_JSON")
[[ "$SOURCE_KEY" == sck_* ]] || { echo "credit-load: could not create the source" >&2; exit 1; }
seq 1 "$HOLDERS" | xargs -P 8 -I{} curl -sf -X POST "$API/v1/holders" -H "Authorization: Bearer $OPERATOR" \
  -H 'Content-Type: application/json' -d '{"external_ref":"'"$RUN_ID"'-{}","name":"Load Holder","country":"US"}' \
  | grep -o '"id":"[^"]*"' | cut -d'"' -f4 >"$WORK/holders.txt"
[[ $(wc -l <"$WORK/holders.txt") -eq $HOLDERS ]] || { echo "credit-load: could not create the holders" >&2; exit 1; }
log "backend $BACKEND, $HOLDERS holders, $CONNS connections, $THREADS wrk threads, ${DURATION}s runs after ${WARMUP}s warm-up"

# cpu_ticks: CPU time (user + system, clock ticks) the server process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }
# child_ticks: CPU time of this shell's finished children (so wrk's, measured around one run).
child_ticks() { awk '{ print $16 + $17 }' "/proc/$$/stat"; }
# sys_ticks: busy (user, nice, system, irq, softirq) and stolen ticks of the whole machine, all CPUs.
sys_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $9 }' /proc/stat; }
TICK_HZ=$(getconf CLK_TCK)
CORES=$(nproc)

ACKED=0     # 2xx answers wrk counted, every run
INFLIGHT=0  # the most requests that can have been unanswered when runs stopped: one per connection per run
NON2XX_RUNS=""
# load NAME SECONDS CONNECTIONS PACE_MS: one wrk run; sets LAST_JSON to its WRK_JSON object plus the server's and
# wrk's CPU microseconds per request, and counts its 2xx answers.
load() {
  local name=$1 seconds=$2 conns=$3 pace=$4 out cpu0 wrk0 busy0 steal0 busy1 steal1
  cpu0=$(cpu_ticks)
  wrk0=$(child_ticks)
  read -r busy0 steal0 < <(sys_ticks)
  out=$(CREDIT_LOAD_PACE_MS=$pace wrk -t"$THREADS" -c"$conns" -d"${seconds}s" --timeout 10s --latency \
    -H "Authorization: Bearer $SOURCE_KEY" -s "$ROOT/bench/credit-single.lua" "$API" -- "$RUN_ID-$name" "$WORK/holders.txt")
  echo "$out" >"$WORK/wrk-$name.txt"
  local json=${out##*WRK_JSON }
  json=${json%%$'\n'*}
  local requests non2xx
  requests=$(num requests <<<"$json")
  non2xx=$(num non_2xx <<<"$json")
  read -r busy1 steal1 < <(sys_ticks)
  local per=$((requests > 0 ? requests : 1)) server=$(($(cpu_ticks) - cpu0)) client=$(($(child_ticks) - wrk0))
  local cpu_us=$((server * 1000000 / TICK_HZ / per))
  local wrk_us=$((client * 1000000 / TICK_HZ / per))
  # Disturbance: CPU used by everything else (with kernel work not charged to a process), and time the hypervisor
  # gave to other machines, as percentages of this machine's capacity over the run.
  local capacity=$((seconds * TICK_HZ * CORES))
  local others=$(((busy1 - busy0 - server - client) * 100 / capacity))
  local steal=$(((steal1 - steal0) * 100 / capacity))
  json="${json%\}},\"server_cpu_us\":$cpu_us,\"wrk_cpu_us\":$wrk_us,\"connections\":$conns,\"pace_ms\":$pace,\"others_cpu_pct\":$((others > 0 ? others : 0)),\"steal_pct\":$steal}"
  ACKED=$((ACKED + requests - non2xx))
  INFLIGHT=$((INFLIGHT + conns))
  [[ $non2xx -eq 0 ]] || NON2XX_RUNS="$NON2XX_RUNS $name:$non2xx"
  LAST_JSON=$json
}

# summarize JSON: one measured run as requests/s, latency (ms), errors and CPU per request.
summarize() {
  local json=$1
  awk -v r="$(num requests <<<"$json")" -v d="$(num duration_us <<<"$json")" -v p50="$(num p50_us <<<"$json")" \
      -v p99="$(num p99_us <<<"$json")" -v e="$(num non_2xx <<<"$json")" -v t="$(num timeouts <<<"$json")" \
      -v cpu="$(num server_cpu_us <<<"$json")" -v wcpu="$(num wrk_cpu_us <<<"$json")" \
      -v c="$(num connections <<<"$json")" -v p="$(num pace_ms <<<"$json")" \
      -v o="$(num others_cpu_pct <<<"$json")" -v st="$(num steal_pct <<<"$json")" \
    'BEGIN { printf "{\"rps\":%.0f,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"requests\":%d,\"non_2xx\":%d,\"timeouts\":%d,\"server_cpu_us_per_request\":%d,\"wrk_cpu_us_per_request\":%d,\"connections\":%d,\"pace_ms\":%d,\"others_cpu_pct\":%d,\"steal_pct\":%d}", r / (d / 1e6), p50 / 1000, p99 / 1000, r, e, t, cpu, wcpu, c, p, o, st }'
}

ON_RESULTS=()
OFF_RESULTS=()
PACED_RESULTS=()
read -r -a MODE_LIST <<<"$MODES"
LAST_MODE=${MODE_LIST[${#MODE_LIST[@]}-1]}
for round in $(seq 1 "$ROUNDS"); do
  for mode in "${MODE_LIST[@]}"; do
    [[ -n "$SERVER_PID" ]] || start_server "$mode"
    if [[ $WARMUP -gt 0 ]]; then load "warm-$mode-$round" "$WARMUP" "$CONNS" 0; fi
    load "$mode-$round" "$DURATION" "$CONNS" 0
    s=$(summarize "$LAST_JSON")
    log "round $round, group commit $mode: $s"
    if [[ $mode == on ]]; then ON_RESULTS+=("$s"); else OFF_RESULTS+=("$s"); fi
    if [[ $mode == on && $PACE -gt 0 ]]; then
      load "paced-$round" "$DURATION" "$PACE_CONNS" "$PACE"
      s=$(summarize "$LAST_JSON")
      log "round $round, group commit on, paced: $s"
      PACED_RESULTS+=("$s")
    fi
    if [[ $round -lt $ROUNDS || $mode != "$LAST_MODE" ]]; then stop_server; fi
  done
done

# Every acknowledged credit must be stored: the sum of the holders' credit counts is at least what wrk saw answered
# 2xx, and exceeds it by no more than the requests that were in flight when the runs stopped.
STORED=0
while read -r h; do
  c=$(curl -sf "$API/v1/holders/$h/balances" -H "Authorization: Bearer $OPERATOR" | num credits || true)
  STORED=$((STORED + ${c:-0}))
done <"$WORK/holders.txt"
stop_server
CHECK=ok
if [[ $STORED -lt $ACKED || $STORED -gt $((ACKED + INFLIGHT)) ]]; then
  CHECK="mismatch: $STORED stored, $ACKED acknowledged"
  log "$CHECK"
fi
[[ -z "$NON2XX_RUNS" ]] || CHECK="non-2xx answers:$NON2XX_RUNS"
if ! sc verify --db "$DB" >&2; then CHECK="verify failed"; fi

# Credits per shared transaction in each measured saturated group-commit run: one InsertCredits call stamps all its
# credits with one created_at (SQLite only, when the sqlite3 shell is installed).
GROUPS_JSON=null
if [[ $BACKEND == sqlite ]] && command -v sqlite3 >/dev/null && [[ ${#ON_RESULTS[@]} -gt 0 ]]; then
  sizes=()
  for round in $(seq 1 "$ROUNDS"); do
    sizes+=("$(sqlite3 "$DB" "SELECT ROUND(COUNT(*) * 1.0 / COUNT(DISTINCT created_at), 1) FROM transfers WHERE source_ref LIKE '$RUN_ID-on-$round-t%'")")
  done
  GROUPS_JSON="[$(IFS=,; echo "${sizes[*]}")]"
fi

# The run with the median rate stands for each kind (every run is listed too).
median() {
  [[ $# -gt 0 ]] || { echo null; return; }
  printf '%s\n' "$@" | awk -F'"rps":' '{ split($2, a, ","); print a[1] "\t" $0 }' | sort -n | cut -f2- | awk -v n=$# 'NR == int((n + 1) / 2)'
}
join() { local IFS=,; echo "$*"; }
ON_MID=$(median "${ON_RESULTS[@]}")
OFF_MID=$(median "${OFF_RESULTS[@]}")
PACED_MID=$(median "${PACED_RESULTS[@]}")
RATIO=$(awk -v a="$(num rps <<<"$ON_MID")" -v b="$(num rps <<<"$OFF_MID")" 'BEGIN { if (a > 0 && b > 0) printf "%.1f", a / b; else printf "null" }')
log "group commit: $ON_MID; baseline: $OFF_MID; ratio ${RATIO}x; paced: $PACED_MID; check: $CHECK"
[[ $CHECK == ok ]] && STATUS=0 || STATUS=1
printf '{"backend":"%s","cores":%s,"load_avg":"%s","threads":%s,"duration_s":%s,"holders":%s,"group_commit":%s,"baseline":%s,"ratio":%s,"group_commit_paced":%s,"group_commit_runs":[%s],"baseline_runs":[%s],"paced_runs":[%s],"credits_per_group":%s,"acknowledged":%s,"stored":%s,"check":"%s"}\n' \
  "$BACKEND" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$THREADS" "$DURATION" "$HOLDERS" "$ON_MID" "$OFF_MID" "$RATIO" "$PACED_MID" \
  "$(join "${ON_RESULTS[@]}")" "$(join "${OFF_RESULTS[@]}")" "$(join "${PACED_RESULTS[@]}")" "$GROUPS_JSON" "$ACKED" "$STORED" "$CHECK"
exit $STATUS
