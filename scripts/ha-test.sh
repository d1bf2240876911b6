#!/usr/bin/env bash
# High-availability test of SmallChange on PostgreSQL (issue 3, point 5). See docs/ha-test.md.
#
#   scripts/ha-test.sh              build (Release), run the whole test, print a summary; exit 1 on any loss
#   scripts/ha-test.sh --no-build   use the Release build already in src/SmallChange/bin/Release
#   scripts/ha-test.sh --keep       keep the temporary folder (logs, data, acknowledgement files) for a post-mortem
#
# What it does, in order:
#  1. installs postgresql-15-auto-failover when pg_autoctl is missing (root only), then starts, as the postgres user,
#     a pg_auto_failover monitor and two data nodes on 127.0.0.1 (free ports, --auth trust, --no-ssl, everything
#     in one temporary folder) and waits for primary + secondary with synchronous replication in force;
#  2. builds the app in Release, runs `smallchange migrate` and `keys create-operator`, and starts two
#     `smallchange serve` processes against the multi-host string (Target Session Attributes=read-write);
#  3. creates a source and holders (KYC tier 2, a wallet destination, a funding credit each) and starts a load of
#     curl loops: single credits, batches of 5 and cash-outs (quote + cash-out with an Idempotency-Key), spread
#     over both serve processes. A request that fails is retried by its client with the same key (as a real client
#     would). Every acknowledged write (2xx, or 422 for a rejected cash-out: a stored decision) is recorded with
#     its key, and every response with its time;
#  4. under load, one event after the other, each followed by a wait for primary + synchronous secondary and more load:
#     (a) failover   `pg_autoctl perform failover` (planned switch);
#     (b) kill       SIGKILL of the primary's postmaster (pid from postmaster.pid), pg_autoctl left running: its keeper
#                    usually restarts PostgreSQL in place (crash recovery), sometimes it reports it down first and
#                    the monitor promotes the secondary; the summary says which happened;
#     (c) node-lost  the primary's pg_autoctl frozen (SIGSTOP), then its postmaster SIGKILLed: nothing restarts or
#                    reports for that node, so the monitor promotes the secondary (after ~50 s with the default
#                    timeouts); then pg_autoctl is resumed (SIGCONT) and the node rejoins as secondary (pg_rewind);
#  5. stops the load, waits for the cash-outs to settle, stops the servers and checks in the database (psql on
#     the current primary): every acknowledged credit present exactly once with its holder and amount, every
#     acknowledged cash-out present exactly once (one row per quote), no cash-out paid twice by the sandbox
#     provider (sandbox_payments), every paid cash-out paid once; then `smallchange verify`;
#  6. prints a summary (writes acknowledged and found, duplicates, longest client-visible gap per event) and exits
#     non-zero on any loss, duplicate or verify failure. Everything it started is stopped and its folder removed
#     on exit, also on failure or Ctrl-C.
#
# Settings (environment): HA_WARMUP (s of load before the first event, default 15), HA_SETTLE_LOAD (s of load
# after each event once the cluster is back to primary + secondary, default 15), HA_CREDIT_WORKERS (3),
# HA_CASHOUT_WORKERS (1), HA_HOLDERS (40), HA_TIMEOUT (s to wait for a cluster state, default 180), HA_DB_OPTIONS
# (extra Npgsql keywords appended to the connection string, e.g. 'Host Recheck Seconds=1'), HA_EVENTS (which events,
# in order; default "failover kill node-lost"), HA_REQUIRE_SYNC (1, the default: the serve processes acknowledge only
# writes a synchronous standby confirmed, SMALLCHANGE_DB_REQUIRE_SYNC_STANDBY, and answer 503 server.write_unconfirmed
# otherwise, which the clients retry; 0: pg_auto_failover's wait_primary windows acknowledge local-only commits).
# SMALLCHANGE_DB_RETRY_SECONDS is passed on to the serve processes.
# Needs: root (pg_autoctl runs as the postgres user through runuser), dotnet (SDK 10), curl, psql, PostgreSQL 15.
# Ports: free ones above 20000 on 127.0.0.1 (never 55432). Takes 3-5 minutes (plus the build).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$(pwd)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_CLI_UI_LANGUAGE=en
export MSBUILDDISABLENODEREUSE=1
export PGCONNECT_TIMEOUT=3

WARMUP=${HA_WARMUP:-15}
SETTLE_LOAD=${HA_SETTLE_LOAD:-15}
CREDIT_WORKERS=${HA_CREDIT_WORKERS:-3}
CASHOUT_WORKERS=${HA_CASHOUT_WORKERS:-1}
HOLDERS=${HA_HOLDERS:-40}
STATE_TIMEOUT=${HA_TIMEOUT:-180}
REQUIRE_SYNC=${HA_REQUIRE_SYNC:-1}
PG_BIN=/usr/lib/postgresql/15/bin
read -r -a EVENTS <<<"${HA_EVENTS:-failover kill node-lost}"
for ev in "${EVENTS[@]}"; do
    case "$ev" in failover | kill | node-lost) ;; *) echo "ha-test.sh: unknown event '$ev' in HA_EVENTS (failover, kill, node-lost)" >&2; exit 2 ;; esac
done

BUILD=1
KEEP=0
for arg in "$@"; do
    case "$arg" in
        --no-build) BUILD=0 ;;
        --keep) KEEP=1 ;;
        -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "ha-test.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
    esac
done

T0=$EPOCHREALTIME
log() { printf 'ha-test %6.1fs: %s\n' "$(elapsed)" "$*" >&2; }
elapsed() { awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
die() { log "FAIL: $*"; exit 1; }

# ---- cleanup: everything this script started, by pid or process group, and its folder --------------------------

W=""
PGROUPS=()    # process groups of the pg_autoctl services (each started under setsid)
SERVE_PIDS=()
LOAD_PIDS=()

cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    [[ -n "$W" && -d "$W" ]] && touch "$W/load/stop" "$W/watch.stop" 2>/dev/null
    [[ -n "${WATCH_PID:-}" ]] && kill "$WATCH_PID" 2>/dev/null
    for p in "${LOAD_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${SERVE_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        local alive=0
        for p in "${SERVE_PIDS[@]}" "${LOAD_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
        [[ $alive -eq 0 ]] && break
        sleep 0.5
    done
    for p in "${SERVE_PIDS[@]}" "${LOAD_PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
    # pg_autoctl first (so that nothing restarts PostgreSQL), then each PostgreSQL with an immediate stop (its
    # children, which PostgreSQL puts in sessions of their own, go with it), then whatever is left of that tree.
    local tree=() f pid dir
    if ((${#PGROUPS[@]} > 0)); then
        mapfile -t tree < <(descendants "${PGROUPS[@]}")
        for pid in "${tree[@]}"; do kill -CONT "$pid" 2>/dev/null; done
        # pg_autoctl's immediate stop (SIGQUIT to each supervisor, the child of runuser) stops its services and
        # PostgreSQL, and every parent reaps its children (PID 1 of a container may leave orphans as zombies).
        for pid in $(ps -eo pid=,ppid=,comm= | awk -v roots=" ${PGROUPS[*]} " '$3 == "pg_autoctl" && index(roots, " " $2 " ")  { print $1 }'); do
            kill -QUIT "$pid" 2>/dev/null
        done
        for _ in $(seq 1 30); do
            local alive=0
            for pid in "${tree[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1 && break; done
            [[ $alive -eq 0 ]] && break
            sleep 0.5
        done
        for pid in "${tree[@]}"; do
            [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == postgres ]] || kill -9 "$pid" 2>/dev/null
        done
    fi
    if [[ -n "$W" && -d "$W" ]]; then
        for f in "$W"/pg/*/postmaster.pid; do
            [[ -f "$f" ]] || continue
            dir=$(dirname "$f")
            pid=$(head -1 "$f" 2>/dev/null)
            if [[ -n "$pid" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$dir"; then
                runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$dir" stop -m immediate -w -t 10 >/dev/null 2>&1 || kill -9 "$pid" 2>/dev/null
            fi
        done
    fi
    for pid in "${tree[@]}"; do kill -9 "$pid" 2>/dev/null; done
    if [[ -n "$W" && -d "$W" ]]; then
        if [[ $rc -ne 0 ]]; then
            for f in "$W"/serve-*.log "$W"/pg/*.log; do
                [[ -f "$f" ]] || continue
                echo "---- last lines of $(basename "$f")" >&2
                tail -n 15 "$f" >&2
            done
        fi
        if [[ $KEEP -eq 1 ]]; then
            log "kept $W"
        else
            sleep 0.5
            rm -rf "$W"
        fi
    fi
    exit "$rc"
}
# Every process below the given ones (by parent pid), the given ones included.
descendants() {
    ps -eo pid=,ppid= | awk -v roots="$*" '
        BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) want[r[i]] = 1 }
        { parent[$1] = $2 }
        END {
            do { changed = 0; for (p in parent) if (!(p in want) && (parent[p] in want)) { want[p] = 1; changed = 1 } } while (changed)
            for (p in want) if (p in parent) print p
        }'
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- prerequisites ---------------------------------------------------------------------------------------------

if ! command -v dotnet >/dev/null 2>&1 && [[ -x "$HOME/.dotnet/dotnet" ]]; then
    export PATH="$HOME/.dotnet:$PATH"
fi
for tool in dotnet curl awk; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not on PATH"
done
[[ $EUID -eq 0 ]] || die "run as root: pg_autoctl runs as the postgres user (runuser) and may need installing"
id postgres >/dev/null 2>&1 || die "there is no 'postgres' user (install postgresql-15)"

apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; then
        apt-get update -qq >/dev/null 2>&1 || true
        apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 || true
    fi
}
if [[ ! -x "$PG_BIN/postgres" ]] || ! command -v psql >/dev/null 2>&1; then
    log "installing postgresql-15"
    apt_install postgresql-15 postgresql-client-15
fi
if ! command -v pg_autoctl >/dev/null 2>&1; then
    log "pg_autoctl missing: installing postgresql-15-auto-failover"
    apt_install postgresql-15-auto-failover
fi
command -v pg_autoctl >/dev/null 2>&1 || die "pg_autoctl is not installed and could not be (apt-get install postgresql-15-auto-failover)"
[[ -x "$PG_BIN/pg_ctl" ]] || die "PostgreSQL 15 is not in $PG_BIN"
# pg_autoctl's keepers reach their local PostgreSQL through the default socket folder.
[[ -d /var/run/postgresql ]] || install -d -o postgres -g postgres -m 2775 /var/run/postgresql
log "$(pg_autoctl --version 2>/dev/null | head -1), $("$PG_BIN/postgres" --version)"

# ---- ports and folders -----------------------------------------------------------------------------------------

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") >/dev/null 2>&1; }
TAKEN=" 55432 "
free_port() {
    local p
    for _ in $(seq 1 50); do
        p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        if [[ "$TAKEN" != *" $p "* ]] && ! port_in_use "$p"; then
            TAKEN+="$p "
            echo "$p"
            return 0
        fi
    done
    return 1
}
PM=$(free_port); P1=$(free_port); P2=$(free_port)

W=$(mktemp -d "${TMPDIR:-/tmp}/smallchange-ha.XXXXXXXX")
chmod 755 "$W"
mkdir -p "$W/pg" "$W/load"
chown postgres: "$W/pg"
chmod 700 "$W/pg"
PGW=$W/pg
log "work folder $W; monitor :$PM, nodes :$P1 :$P2"

# pg_autoctl's own files (configuration, state, runtime) live under the work folder, not in postgres' home.
as_pg() {
    runuser -u postgres -- env XDG_CONFIG_HOME="$PGW/xdg/config" XDG_DATA_HOME="$PGW/xdg/data" XDG_RUNTIME_DIR="$PGW/xdg/run" \
        PGHOST=127.0.0.1 PATH="$PG_BIN:$PATH" "$@"
}
as_pg mkdir -p "$PGW/xdg/config" "$PGW/xdg/data" "$PGW/xdg/run"
as_pg chmod 700 "$PGW/xdg/run"

# Starts a pg_autoctl service in its own session (so that it and its postgres can be killed as one group).
start_autoctl() {
    local name=$1
    shift
    setsid runuser -u postgres -- env XDG_CONFIG_HOME="$PGW/xdg/config" XDG_DATA_HOME="$PGW/xdg/data" XDG_RUNTIME_DIR="$PGW/xdg/run" \
        PGHOST=127.0.0.1 PATH="$PG_BIN:$PATH" pg_autoctl "$@" >>"$PGW/$name.log" 2>&1 </dev/null &
    PGROUPS+=("$!")
}

msql() { psql -X -q -At -h 127.0.0.1 -p "$PM" -U postgres -d pg_auto_failover -c "$1" 2>/dev/null; }
nsql() { local port=$1; shift; psql -X -q -At -h 127.0.0.1 -p "$port" -U postgres -d smallchange -c "$1" 2>/dev/null; }
node_dir() { if [[ $1 -eq $P1 ]]; then echo "$PGW/node1"; else echo "$PGW/node2"; fi; }

# "PRIMARY_PORT SECONDARY_PORT" once one node is primary and the other secondary (reported and assigned), else "".
cluster_pair() {
    local r
    r=$(msql "SELECT (SELECT nodeport FROM pgautofailover.node WHERE reportedstate = 'primary' AND goalstate = 'primary' LIMIT 1),
                     (SELECT nodeport FROM pgautofailover.node WHERE reportedstate = 'secondary' AND goalstate = 'secondary' LIMIT 1)") || true
    if [[ "$r" =~ ^([0-9]+)\|([0-9]+)$ ]]; then
        echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
    fi
}

# The current primary's port (reported primary or wait_primary), else "".
current_primary() {
    # A node whose keeper no longer reports keeps its last reported state: its assigned state tells it was demoted.
    msql "SELECT nodeport FROM pgautofailover.node WHERE reportedstate IN ('primary', 'wait_primary', 'single')
          AND goalstate IN ('primary', 'wait_primary', 'single') ORDER BY reportedstate = 'primary' DESC LIMIT 1" || true
}

# Waits until primary + secondary and synchronous replication in force; sets PRIMARY and SECONDARY.
# pg_basebackup (a new or rebuilt standby) waits for a spread checkpoint on the primary, up to minutes with the
# default settings: an explicit CHECKPOINT every few seconds while waiting makes it take seconds.
wait_pair() {
    local what=$1 deadline=$((SECONDS + STATE_TIMEOUT)) pair p i=0
    while ((SECONDS < deadline)); do
        pair=$(cluster_pair)
        if [[ -n "$pair" ]]; then
            PRIMARY=${pair% *}
            SECONDARY=${pair#* }
            if [[ -n "$(nsql "$PRIMARY" "SELECT 1 FROM pg_stat_replication WHERE sync_state IN ('sync', 'quorum') AND state = 'streaming'")" &&
                -n "$(nsql "$PRIMARY" "SHOW synchronous_standby_names")" ]]; then
                return 0
            fi
        fi
        if ((i++ % 3 == 2)); then
            p=$(current_primary)
            [[ -n "$p" ]] && nsql "$p" "CHECKPOINT" >/dev/null || true
        fi
        sleep 1
    done
    msql "SELECT nodename, nodeport, reportedstate, goalstate FROM pgautofailover.node" >&2 || true
    die "$what: no primary + synchronous secondary after ${STATE_TIMEOUT}s"
}

# ---- 1. the pg_auto_failover formation -------------------------------------------------------------------------

common=(--auth trust --no-ssl --hostname 127.0.0.1 --listen 127.0.0.1 --pgctl "$PG_BIN/pg_ctl")
log "starting the monitor"
start_autoctl monitor create monitor --pgdata "$PGW/monitor" --pgport "$PM" "${common[@]}" --run
for _ in $(seq 1 120); do
    [[ "$(msql "SELECT count(*) FROM pgautofailover.formation")" =~ ^[1-9] ]] && break
    sleep 0.5
done
[[ "$(msql "SELECT count(*) FROM pgautofailover.formation")" =~ ^[1-9] ]] || die "the monitor did not start"
MONITOR_URI="postgres://autoctl_node@127.0.0.1:$PM/pg_auto_failover?sslmode=disable"

log "starting node1 (first: it becomes the primary)"
start_autoctl node1 create postgres --pgdata "$PGW/node1" --pgport "$P1" --name node1 --dbname smallchange --monitor "$MONITOR_URI" "${common[@]}" --run
for _ in $(seq 1 120); do
    [[ "$(msql "SELECT reportedstate FROM pgautofailover.node WHERE nodeport = $P1")" == single ]] && break
    sleep 0.5
done
log "starting node2"
start_autoctl node2 create postgres --pgdata "$PGW/node2" --pgport "$P2" --name node2 --dbname smallchange --monitor "$MONITOR_URI" "${common[@]}" --run
wait_pair "formation"
log "formation ready: primary :$PRIMARY, secondary :$SECONDARY"

SYNC_NAMES=$(nsql "$PRIMARY" "SHOW synchronous_standby_names")
SYNC_COMMIT=$(nsql "$PRIMARY" "SHOW synchronous_commit")
SYNC_STATE=$(nsql "$PRIMARY" "SELECT string_agg(application_name || '=' || sync_state, ',') FROM pg_stat_replication")
NUM_SYNC=$(msql "SELECT number_sync_standbys FROM pgautofailover.formation WHERE formationid = 'default'")
QUORUM=$(msql "SELECT string_agg(nodename || '=' || replicationquorum || '/priority ' || candidatepriority, ', ' ORDER BY nodeid) FROM pgautofailover.node")
log "replication: number_sync_standbys=$NUM_SYNC; replication-quorum: $QUORUM"
log "primary: synchronous_standby_names=$SYNC_NAMES, synchronous_commit=$SYNC_COMMIT, pg_stat_replication: $SYNC_STATE"
[[ "$SYNC_COMMIT" == on || "$SYNC_COMMIT" == remote_apply || "$SYNC_COMMIT" == remote_write ]] || die "synchronous_commit is $SYNC_COMMIT"

# ---- 2. the app ------------------------------------------------------------------------------------------------

BIN=$REPO/src/SmallChange/bin/Release/net10.0/smallchange.dll
if [[ $BUILD -eq 1 ]]; then
    log "building src/SmallChange (Release)"
    mkdir -p "$REPO/.tmp"
    build=(dotnet build src/SmallChange -c Release -nologo -v:q -clp:NoSummary)
    if command -v flock >/dev/null 2>&1; then
        flock "$REPO/.tmp/build.lock" "${build[@]}" >"$W/build.log" 2>&1 || { cat "$W/build.log" >&2; die "build failed"; }
    else
        "${build[@]}" >"$W/build.log" 2>&1 || { cat "$W/build.log" >&2; die "build failed"; }
    fi
fi
[[ -f "$BIN" ]] || die "$BIN is missing (run without --no-build)"
sc() { dotnet "$BIN" "$@"; }

DB="Host=127.0.0.1:$P1,127.0.0.1:$P2;Username=postgres;Database=smallchange;Target Session Attributes=read-write${HA_DB_OPTIONS:+;$HA_DB_OPTIONS}"
log "db: $DB"
# The personal-data key ring every node shares (PostgreSQL has no default file; docs/privacy.md).
export SMALLCHANGE_PII_KEY_FILE="$W/pii-keys.json"
sc migrate --db "$DB" >"$W/migrate.log" 2>&1 || { cat "$W/migrate.log" >&2; die "migrate failed"; }
OPERATOR_KEY=$(sc keys create-operator --db "$DB" 2>"$W/keys.log" | grep -o 'sck_[A-Za-z0-9_.-]*' | tail -1) || true
[[ -n "$OPERATOR_KEY" ]] || { cat "$W/keys.log" >&2; die "keys create-operator printed no key"; }

# New destinations would cool off for 24 h (issue 4): the test pays out to destinations it has just added.
SANDBOX=(--sandbox-delay 0.5 --sandbox-failure-bps 500 --sandbox-return-bps 0 --cooling-off-minutes 0)
# Starts one serve process on a free port; another port if it could not bind (a port taken meanwhile).
API=()
start_serve() {
    local port pid
    for _ in 1 2 3; do
        port=$(free_port)
        SMALLCHANGE_DB_REQUIRE_SYNC_STANDBY=$REQUIRE_SYNC dotnet "$BIN" serve --db "$DB" --urls "http://127.0.0.1:$port" "${SANDBOX[@]}" >"$W/serve-$port.log" 2>&1 </dev/null &
        pid=$!
        for _ in $(seq 1 120); do
            if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/openapi/v1.json" || true)" == 200 ]]; then
                SERVE_PIDS+=("$pid")
                API+=("http://127.0.0.1:$port")
                return 0
            fi
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        log "serve on :$port did not start (last line: $(tail -n 1 "$W/serve-$port.log" 2>/dev/null)); trying another port"
    done
    die "smallchange serve did not start"
}
start_serve
start_serve
log "two serve processes up: ${API[*]}"

# ---- 3. set-up and load ----------------------------------------------------------------------------------------

# api METHOD URL KEY BODY → prints the body; fails unless 2xx.
api() {
    local out code
    out=$(mktemp "$W/resp.XXXXXX")
    code=$(curl -s -o "$out" -w '%{http_code}' --max-time 60 -X "$1" "$2" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' --data-binary "$4") || true
    if [[ "$code" != 2* ]]; then
        echo "$1 $2 → $code: $(cat "$out")" >&2
        rm -f "$out"
        return 1
    fi
    cat "$out"
    rm -f "$out"
}
first_id() { grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4; }

log "creating a source and $HOLDERS holders"
resp=$(api POST "${API[0]}/v1/sources" "$OPERATOR_KEY" '{"name":"HA source","type":"creator_earnings","currencies":["USD"]}') || die "source"
SOURCE_ID=$(first_id <<<"$resp")
SOURCE_KEY=$(grep -o '"api_key":"[^"]*"' <<<"$resp" | cut -d'"' -f4)
[[ -n "$SOURCE_ID" && -n "$SOURCE_KEY" ]] || die "source: $resp"
: >"$W/holders"
for h in $(seq 1 "$HOLDERS"); do
    a=${API[$((h % 2))]}
    holder=$(api POST "$a/v1/holders" "$OPERATOR_KEY" "{\"external_ref\":\"ha-$h-$RANDOM$RANDOM\",\"name\":\"Ava Thompson\",\"country\":\"US\"}" | first_id) || die "holder"
    api PUT "$a/v1/holders/$holder/kyc" "$OPERATOR_KEY" '{"tier":2}' >/dev/null || die "kyc"
    dest=$(api POST "$a/v1/holders/$holder/destinations" "$OPERATOR_KEY" \
        "{\"kind\":\"digital_wallet\",\"country\":\"US\",\"account_holder_name\":\"Ava Thompson\",\"email\":\"ava$h@example.com\"}" | first_id) || die "destination"
    api POST "$a/v1/credits" "$SOURCE_KEY" "{\"source_ref\":\"fund-$h\",\"holder_id\":\"$holder\",\"amount\":\"100.00\",\"currency\":\"USD\"}" >/dev/null || die "funding credit"
    echo "$holder $dest" >>"$W/holders"
done
mapfile -t HOLDER_LINES <"$W/holders"
SOURCE_NUM=$(nsql "$PRIMARY" "SELECT num FROM sources WHERE id = '$SOURCE_ID'")
[[ -n "$SOURCE_NUM" ]] || die "source $SOURCE_ID not in the database"

L=$W/load
STOP=$L/stop

# One request: sets CODE and BODY and appends "end_time ok|fail code kind latency" to the worker's event log.
# ok = an answer the client can act on (2xx; 422 for a cash-out rejected by a check, a stored decision).
request() {
    local kind=$1 url=$2 key=$3 body=$4 idem=${5:-} t0 t1 hdr=()
    [[ -n "$idem" ]] && hdr=(-H "Idempotency-Key: $idem")
    t0=$EPOCHREALTIME
    CODE=$(curl -s -o "$RESP" -w '%{http_code}' --max-time 60 -X POST "$url" -H "Authorization: Bearer $key" \
        -H 'Content-Type: application/json' "${hdr[@]}" --data-binary "$body" 2>/dev/null) || true
    t1=$EPOCHREALTIME
    [[ -n "$CODE" ]] || CODE=000
    BODY=$(cat "$RESP" 2>/dev/null || true)
    local ok=fail
    if [[ "$CODE" == 2* || ("$kind" == cashout && "$CODE" == 422 && "$BODY" == *'"cashout":{'*) ]]; then ok=ok; fi
    echo "$t1 $ok $CODE $kind $t0" >>"$EVENTS"
    [[ $ok == ok ]] || echo "$t1 $kind $url $CODE ${BODY:0:300}" >>"$ERRORS"
    [[ $ok == ok ]]
}

# Sends until acknowledged: a client retries with the same key. Gives up only 120 s after the stop signal.
until_ok() {
    local give_up=""
    while ! request "$@"; do
        if [[ -e "$STOP" ]]; then
            [[ -n "$give_up" ]] || give_up=$((SECONDS + 120))
            ((SECONDS < give_up)) || return 1
        fi
        sleep 0.2
    done
}

credit_worker() {
    set +e
    local w=$1 i=0 node holder cents items refs k body
    EVENTS=$L/events.c$w ERRORS=$L/errors.c$w RESP=$L/resp.c$w
    local acks=$L/credits.c$w
    while [[ ! -e "$STOP" ]]; do
        i=$((i + 1))
        node=${API[$(((w + i) % 2))]}
        if ((i % 4 == 0)); then
            items="" refs=()
            for k in 1 2 3 4 5; do
                holder=${HOLDER_LINES[$((RANDOM % HOLDERS))]%% *}
                cents=$((1 + RANDOM % 999))
                refs+=("b$w-$i-$k,$holder,$((cents * 10000))")
                items+="${items:+,}{\"source_ref\":\"b$w-$i-$k\",\"holder_id\":\"$holder\",\"amount\":\"$((cents / 100)).$(printf %02d $((cents % 100)))\",\"currency\":\"USD\"}"
            done
            body="{\"items\":[$items]}"
            # All five acknowledged only when the batch answered 200 with no failed item; otherwise sent again.
            while :; do
                if request batch "$node/v1/credits/batch" "$SOURCE_KEY" "$body" && [[ "$BODY" == *'"failed":0'* ]]; then
                    printf "%s,$EPOCHREALTIME\n" "${refs[@]}" >>"$acks"
                    break
                fi
                [[ "$CODE" == 200 ]] && echo "$EPOCHREALTIME batch-items $node $CODE ${BODY:0:300}" >>"$ERRORS"
                [[ -e "$STOP" ]] && break
                sleep 0.2
            done
        else
            holder=${HOLDER_LINES[$((RANDOM % HOLDERS))]%% *}
            cents=$((1 + RANDOM % 999))
            body="{\"source_ref\":\"c$w-$i\",\"holder_id\":\"$holder\",\"amount\":\"$((cents / 100)).$(printf %02d $((cents % 100)))\",\"currency\":\"USD\"}"
            if until_ok credit "$node/v1/credits" "$SOURCE_KEY" "$body"; then
                echo "c$w-$i,$holder,$((cents * 10000)),$EPOCHREALTIME" >>"$acks"
            fi
        fi
    done
}

# Cash-outs of 2.00 USD; at most 3 per holder (the US velocity rule alerts on a fourth within an hour).
cashout_worker() {
    set +e
    local w=$1 i=0 line holder dest quote key id node state
    EVENTS=$L/events.o$w ERRORS=$L/errors.o$w RESP=$L/resp.o$w
    local acks=$L/cashouts.o$w
    while [[ ! -e "$STOP" ]]; do
        i=$((i + 1))
        local slot=$(((i - 1) * CASHOUT_WORKERS + w))
        ((slot < HOLDERS * 3)) || { sleep 1; continue; }
        line=${HOLDER_LINES[$((slot % HOLDERS))]}
        holder=${line%% *} dest=${line#* }
        node=${API[$((i % 2))]}
        until_ok quote "$node/v1/quotes" "$OPERATOR_KEY" \
            "{\"holder_id\":\"$holder\",\"amount\":\"2.00\",\"currency\":\"USD\",\"country\":\"US\",\"method\":\"digital_wallet\"}" || continue
        quote=$(first_id <<<"$BODY")
        key="ha-o$w-$i"
        if until_ok cashout "$node/v1/cashouts" "$OPERATOR_KEY" \
            "{\"holder_id\":\"$holder\",\"quote_id\":\"$quote\",\"destination_id\":\"$dest\"}" "$key"; then
            if [[ "$CODE" == 422 ]]; then
                id=$(grep -o '"cashout":{"id":"[^"]*"' <<<"$BODY" | cut -d'"' -f6)
            else
                id=$(first_id <<<"$BODY")
            fi
            state=$(grep -o '"state":"[^"]*"' <<<"$BODY" | head -1 | cut -d'"' -f4)
            echo "$id,$key,$quote,$holder,$CODE,$state,$EPOCHREALTIME" >>"$acks"
        fi
        sleep 0.3
    done
}

PHASES=$W/phases
phase() { echo "$EPOCHREALTIME $1" >>"$PHASES"; log "phase: $1"; }

# Every 0.5 s, what each node says of itself: "time port up|down in_recovery sync_standby_names timeline lsn
# replication", replication being each walsender's "application_name:sync_state:flush_lsn". A run that loses a write
# shows from this (and from the ack times) which server took it and whether a standby held it.
NODES=$W/nodes.log
node_watch() {
    set +e
    local port r
    while [[ ! -e "$W/watch.stop" ]]; do
        for port in "$P1" "$P2"; do
            r=$(PGCONNECT_TIMEOUT=1 psql -X -q -At -F '|' -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "
                SELECT pg_is_in_recovery(), coalesce(nullif(current_setting('synchronous_standby_names'), ''), '-'),
                       (SELECT timeline_id FROM pg_control_checkpoint()),
                       CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END,
                       coalesce((SELECT string_agg(application_name || ':' || sync_state || ':' || coalesce(flush_lsn::text, '-'), ',')
                                 FROM pg_stat_replication), '-')" 2>/dev/null | tr ' |' '_ ')
            if [[ -n "$r" ]]; then echo "$EPOCHREALTIME $port up $r"; else echo "$EPOCHREALTIME $port down"; fi
        done >>"$NODES"
        sleep 0.5
    done
}
node_watch &
WATCH_PID=$!

phase warmup
for w in $(seq 1 "$CREDIT_WORKERS"); do
    credit_worker "$w" &
    LOAD_PIDS+=("$!")
done
for w in $(seq 1 "$CASHOUT_WORKERS"); do
    cashout_worker "$w" &
    LOAD_PIDS+=("$!")
done
log "load: $CREDIT_WORKERS credit workers (single credits and batches of 5), $CASHOUT_WORKERS cash-out workers"
sleep "$WARMUP"

acked_so_far() { cat "$L"/credits.* "$L"/cashouts.* 2>/dev/null | wc -l; }

# ---- 4. the events: (a) planned failover, (b) SIGKILL of the primary's postmaster, (c) loss of the primary node ----

since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
EVENT_NOTES=()

# The process group of the pg_autoctl that runs the node on the given port.
node_group() { if [[ $1 -eq $P1 ]]; then echo "${PGROUPS[1]}"; else echo "${PGROUPS[2]}"; fi; }

# (a) pg_autoctl perform failover: a planned switch (it returns once the new primary is up).
event_failover() {
    local old=$PRIMARY start=$EPOCHREALTIME done_after
    as_pg pg_autoctl perform failover --pgdata "$PGW/monitor" >"$W/perform-failover.log" 2>&1 ||
        { cat "$W/perform-failover.log" >&2; die "pg_autoctl perform failover failed"; }
    done_after=$(since "$start")
    wait_pair "after the failover"
    [[ "$PRIMARY" != "$old" ]] || die "perform failover left :$old primary"
    EVENT_NOTES+=("perform failover: :$old → :$PRIMARY, the command returned after ${done_after}s, primary + synchronous secondary after $(since "$start")s")
}

# (b) SIGKILL of the primary's postmaster, pg_autoctl left running: its keeper either restarts PostgreSQL in place
# (crash recovery, no failover) or reports it down first and the monitor promotes the secondary; both happen.
# (c) the primary node lost: its pg_autoctl is frozen (SIGSTOP) and then its postmaster SIGKILLed, so nothing
# restarts PostgreSQL or reports for that node; the monitor promotes the secondary once the node is unhealthy and
# the demote timeout has passed. Then pg_autoctl is let go (SIGCONT) and the node rejoins (pg_rewind).
event_kill() {
    local mode=$1 old=$PRIMARY dir pid agent="" p newpid outcome="" start promoted_after
    dir=$(node_dir "$old")
    pid=$(head -1 "$dir/postmaster.pid")
    if [[ $mode == node-lost ]]; then
        agent=$(ps -eo pid=,pgid=,comm= | awk -v g="$(node_group "$old")" '$2 == g && $3 == "pg_autoctl" { printf "%s ", $1 }')
        [[ -n "$agent" ]] || die "no pg_autoctl process found for :$old"
    fi
    start=$EPOCHREALTIME
    # shellcheck disable=SC2086
    [[ -z "$agent" ]] || kill -STOP $agent
    kill -9 "$pid"
    log "SIGKILL postmaster $pid of the primary :$old ($dir)${agent:+ after SIGSTOP of its pg_autoctl (pids $agent)}"
    local deadline=$((SECONDS + STATE_TIMEOUT))
    while ((SECONDS < deadline)); do
        p=$(current_primary)
        if [[ -n "$p" && "$p" != "$old" ]]; then
            outcome="secondary :$p promoted"
            break
        fi
        newpid=$(head -1 "$dir/postmaster.pid" 2>/dev/null || true)
        if [[ -z "$agent" && -n "$newpid" && "$newpid" != "$pid" ]] && "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$old" &&
            [[ "$(nsql "$old" "SELECT pg_is_in_recovery()")" == f ]]; then
            outcome="no failover: pg_autoctl restarted PostgreSQL on :$old in place (crash recovery)"
            break
        fi
        sleep 0.2
    done
    [[ -n "$outcome" ]] || die "no primary after ${STATE_TIMEOUT}s"
    promoted_after=$(since "$start")
    # shellcheck disable=SC2086
    [[ -z "$agent" ]] || kill -CONT $agent
    log "$outcome after ${promoted_after}s; waiting for primary + synchronous secondary"
    wait_pair "after the kill"
    if [[ "$PRIMARY" == "$old" && "$outcome" == secondary* ]]; then
        outcome+=", then the killed node became primary again"
    elif [[ "$PRIMARY" != "$old" && "$outcome" == no* ]]; then
        outcome="pg_autoctl restarted PostgreSQL on :$old, then the monitor promoted the secondary :$PRIMARY"
    fi
    EVENT_NOTES+=("$outcome after ${promoted_after}s; primary + synchronous secondary after $(since "$start")s")
}

for ev in "${EVENTS[@]}"; do
    log "acknowledged so far: $(acked_so_far)"
    phase "$ev"
    case "$ev" in
        failover) event_failover ;;
        kill) event_kill postmaster-only ;;
        node-lost) event_kill node-lost ;;
    esac
    log "${EVENT_NOTES[-1]}"
    sleep "$SETTLE_LOAD"
done

phase stop
touch "$STOP"
log "stopping the load"
for p in "${LOAD_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
LOAD_PIDS=()
phase end
touch "$W/watch.stop"
wait "$WATCH_PID" 2>/dev/null || true

# ---- 5. settle, then check in the database -----------------------------------------------------------------------

log "waiting for cash-outs to settle"
deadline=$((SECONDS + 120))
while ((SECONDS < deadline)); do
    open=$(nsql "$PRIMARY" "SELECT count(*) FROM cashouts WHERE state IN ('requested', 'approved', 'submitted')")
    [[ "$open" == 0 ]] && break
    sleep 1
done
log "cash-outs still open: ${open:-?}"
for p in "${SERVE_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
for p in "${SERVE_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
SERVE_PIDS=()

cat "$L"/credits.* >"$W/credits.csv" 2>/dev/null || : >"$W/credits.csv"
cat "$L"/cashouts.* >"$W/cashouts.csv" 2>/dev/null || : >"$W/cashouts.csv"
PRIMARY=$(current_primary)
psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PRIMARY" -U postgres -d smallchange >"$W/check.out" 2>"$W/check.err" <<SQL || { cat "$W/check.err" >&2; die "the database check failed to run"; }
CREATE TEMP TABLE ack_credit (ref text, holder uuid, units bigint, at double precision);
\copy ack_credit FROM '$W/credits.csv' WITH (FORMAT csv)
CREATE TEMP TABLE ack_cashout (id uuid, key text, quote uuid, holder uuid, http int, state text, at double precision);
\copy ack_cashout FROM '$W/cashouts.csv' WITH (FORMAT csv)
CREATE TEMP TABLE ours AS
    SELECT t.source_ref AS ref, a.owner_id AS holder, t.amount AS units
    FROM transfers t JOIN accounts a ON a.id = t.credit_account_id
    WHERE t.source_num = $SOURCE_NUM AND t.source_ref IS NOT NULL AND t.source_ref NOT LIKE 'fund-%';
SELECT 'credits_acked=' || count(*) FROM ack_credit;
SELECT 'credits_ack_keys_repeated=' || count(*) FROM (SELECT ref FROM ack_credit GROUP BY ref HAVING count(*) > 1) x;
SELECT 'credits_found=' || count(*) FROM ack_credit k WHERE (SELECT count(*) FROM ours o WHERE o.ref = k.ref) = 1;
SELECT 'credits_missing=' || count(*) FROM ack_credit k WHERE NOT EXISTS (SELECT 1 FROM ours o WHERE o.ref = k.ref);
SELECT 'credits_duplicated=' || count(*) FROM (SELECT ref FROM ours GROUP BY ref HAVING count(*) > 1) x;
SELECT 'credits_wrong_content=' || count(*) FROM ack_credit k JOIN ours o ON o.ref = k.ref WHERE o.holder <> k.holder OR o.units <> k.units;
SELECT 'credits_unacked_in_db=' || count(*) FROM ours o WHERE NOT EXISTS (SELECT 1 FROM ack_credit k WHERE k.ref = o.ref);
SELECT 'cashouts_acked=' || count(*) FROM ack_cashout;
SELECT 'cashouts_acked_rejected=' || count(*) FROM ack_cashout WHERE http = 422;
SELECT 'cashouts_found=' || count(*) FROM ack_cashout k WHERE EXISTS (SELECT 1 FROM cashouts c WHERE c.id = k.id AND c.quote_id = k.quote AND c.holder_id = k.holder);
SELECT 'cashouts_missing=' || count(*) FROM ack_cashout k WHERE NOT EXISTS (SELECT 1 FROM cashouts c WHERE c.id = k.id AND c.quote_id = k.quote AND c.holder_id = k.holder);
SELECT 'cashouts_duplicated=' || count(*) FROM (SELECT quote_id FROM cashouts GROUP BY quote_id HAVING count(*) > 1) x;
SELECT 'cashouts_unacked_in_db=' || count(*) FROM cashouts c WHERE NOT EXISTS (SELECT 1 FROM ack_cashout k WHERE k.id = c.id);
SELECT 'cashouts_open=' || count(*) FROM cashouts WHERE state IN ('requested', 'approved', 'submitted');
SELECT 'cashouts_states=' || coalesce(string_agg(state || ':' || n, ' ' ORDER BY state), '') FROM (SELECT state, count(*) AS n FROM cashouts GROUP BY state) x;
SELECT 'payments=' || count(*) FROM sandbox_payments;
SELECT 'payments_duplicated=' || count(*) FROM (SELECT cashout_id FROM sandbox_payments GROUP BY cashout_id HAVING count(*) > 1) x;
SELECT 'paid_without_payment=' || count(*) FROM cashouts c WHERE c.state = 'paid' AND NOT EXISTS (SELECT 1 FROM sandbox_payments p WHERE p.cashout_id = c.id);
SELECT 'payment_deliveries_max=' || coalesce(max(deliveries), 0) FROM sandbox_payments;
\copy (SELECT 'credit', at FROM ack_credit k WHERE NOT EXISTS (SELECT 1 FROM ours o WHERE o.ref = k.ref) UNION ALL SELECT 'cashout', at FROM ack_cashout k WHERE NOT EXISTS (SELECT 1 FROM cashouts c WHERE c.id = k.id) ORDER BY 2) TO '$W/missing.txt' WITH (FORMAT text, DELIMITER ' ')
SQL
get() { grep "^$1=" "$W/check.out" | head -1 | cut -d= -f2-; }

VERIFY_RC=0
sc verify --db "$DB" >"$W/verify.log" 2>&1 || VERIFY_RC=$?

# ---- 6. summary ------------------------------------------------------------------------------------------------

cat "$L"/events.* 2>/dev/null | sort -n >"$W/events"
# Longest stretch with no acknowledged answer to any client, among the stretches that end in the phase [from, to)
# (a stretch that began just before the event belongs to the event); also failed answers, and the slowest
# acknowledged request in the phase.
gap_report() {
    awk -v from="$1" -v to="$2" '
        $2 == "ok" { if (prev != "" && $1 >= from && $1 < to) { g = $1 - prev; if (g > best) { best = g; bs = prev } } prev = $1 }
        $1 >= from && $1 < to { n++; if ($2 != "ok") f++; else { lat = $1 - $5; if (lat > maxlat) maxlat = lat } }
        END { printf "longest gap without an acknowledged write %.2fs (from +%.1fs), %d requests, %d failed answers, slowest acknowledged request %.2fs\n", best, (bs == "" ? 0 : bs - from), n, f, maxlat }
    ' "$W/events"
}
ph() { awk -v n="$1" '$2 == n { print $1 }' "$PHASES"; }
FAILED_TOTAL=$(awk '$2 != "ok"' "$W/events" | wc -l)
REQUESTS_TOTAL=$(wc -l <"$W/events")

problems=0
for k in credits_missing credits_duplicated credits_wrong_content credits_ack_keys_repeated cashouts_missing cashouts_duplicated payments_duplicated paid_without_payment cashouts_open; do
    v=$(get "$k")
    [[ "$v" == 0 ]] || problems=$((problems + 1))
done
[[ $VERIFY_RC -eq 0 ]] || problems=$((problems + 1))
# A run in which no cash-out got through proves nothing about cash-outs (e.g. every one refused by a new check).
if [[ $CASHOUT_WORKERS -gt 0 && $(( $(get cashouts_acked) - $(get cashouts_acked_rejected) )) -le 0 ]]; then
    log "no cash-out was accepted during the run: the cash-out half of the test did not run"
    problems=$((problems + 1))
fi

cat <<EOF

================ SmallChange HA test summary ($(date -u +%Y-%m-%dT%H:%M:%SZ)) ================
cluster        pg_auto_failover $(pg_autoctl --version 2>/dev/null | head -1 | awk '{print $3}'), PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'); monitor + 2 nodes on 127.0.0.1
replication    number_sync_standbys=$NUM_SYNC; $QUORUM; synchronous_standby_names=$SYNC_NAMES; synchronous_commit=$SYNC_COMMIT
load           $CREDIT_WORKERS credit workers, $CASHOUT_WORKERS cash-out workers, 2 serve processes; $REQUESTS_TOTAL requests, $FAILED_TOTAL failed answers (each retried with the same key)
durability     $([[ $REQUIRE_SYNC == 1 ]] && echo "writes acknowledged only when a synchronous standby confirmed them; $(cat "$L"/errors.* 2>/dev/null | grep -c 'server.write_unconfirmed' || true) answers were 503 server.write_unconfirmed (committed on the primary alone, retried)" || echo "HA_REQUIRE_SYNC=0: local-only commits in wait_primary windows are acknowledged")
credits        acknowledged $(get credits_acked), found exactly once $(get credits_found), missing $(get credits_missing), duplicated $(get credits_duplicated), wrong holder/amount $(get credits_wrong_content); in the db but never acknowledged $(get credits_unacked_in_db)
cash-outs      acknowledged $(get cashouts_acked) ($(get cashouts_acked_rejected) rejected by a check, 422), found $(get cashouts_found), missing $(get cashouts_missing), duplicated (two for one quote) $(get cashouts_duplicated); in the db but never acknowledged $(get cashouts_unacked_in_db)
               states: $(get cashouts_states); still open: $(get cashouts_open)
payments       sandbox payments $(get payments), cash-outs paid twice $(get payments_duplicated), paid without a payment $(get paid_without_payment), most deliveries of one payment $(get payment_deliveries_max)
verify         exit $VERIFY_RC ($(tail -1 "$W/verify.log"))
$(
    names=(warmup "${EVENTS[@]}" end)
    for ((i = 0; i < ${#names[@]} - 1; i++)); do
        printf '%-14s %s\n' "${names[i]}" "$(gap_report "$(ph "${names[i]}")" "$(ph "${names[i + 1]}")")"
        ((i == 0)) || printf '%-14s %s\n' "" "${EVENT_NOTES[i - 1]}"
    done
)
total time     $(elapsed)s
EOF
if [[ $FAILED_TOTAL -gt 0 ]]; then
    echo "failed answers by kind and status (first of each):"
    cat "$L"/errors.* 2>/dev/null | awk '{ k = $2 " " $4; if (!(k in seen)) { seen[k] = $0 } n[k]++ } END { for (k in n) printf "  %5d x %s   e.g. %s\n", n[k], k, substr(seen[k], 1, 300) }'
fi
if grep -q "^      Unhandled " "$W"/serve-*.log 2>/dev/null; then
    echo "500 answers in the serve logs (exception type and path), and the first stack trace:"
    grep -h "^      Unhandled " "$W"/serve-*.log | sed 's/ trace .*//' | sort | uniq -c
    grep -h -m1 -A12 "An unhandled exception has occurred" "$W"/serve-*.log | head -14
fi
if [[ $problems -gt 0 ]]; then
    # When were the lost writes acknowledged, and what did each node say of itself then.
    if [[ -s "$W/missing.txt" ]]; then
        echo "missing writes by phase of their acknowledgement (seconds from the start of the script):"
        awk -v t0="$T0" 'NR == FNR { pt[NR] = $1; pn[NR] = $2; np = NR; next }
            { ph = "before"; for (i = 1; i <= np; i++) if ($2 >= pt[i]) ph = pn[i]
              k = $1 " in " ph; n[k]++; if (!(k in lo)) lo[k] = $2; hi[k] = $2 }
            END { for (k in n) printf "  %6d %s, acknowledged from +%.1fs to +%.1fs\n", n[k], k, lo[k] - t0, hi[k] - t0 }' "$PHASES" "$W/missing.txt"
    fi
    if [[ -s "$NODES" ]]; then
        echo "node states as the nodes reported them (changes only; time from the start; port up in_recovery sync_names timeline):"
        awk -v t0="$T0" '{ k = $3 " " $4 " " $5 " " $6; if (last[$2] != k) { last[$2] = k; printf "  +%7.1fs :%s %s lsn %s repl %s\n", $1 - t0, $2, k, $7, $8 } }' "$NODES"
    fi
    echo "pg_auto_failover events:"
    as_pg pg_autoctl show events --count 80 --pgdata "$PGW/monitor" 2>&1 | sed 's/^/  /' || true
    echo "RESULT: FAIL ($problems check(s) failed)"
    [[ $VERIFY_RC -eq 0 ]] || cat "$W/verify.log"
    exit 1
fi
SERVER_ERRORS=$(awk '$2 != "ok" && $3 ~ /^5/ && $3 != "503"' "$W/events" | wc -l)
echo "RESULT: PASS (every acknowledged write present exactly once, nothing paid twice, verify passed)$(
    [[ $SERVER_ERRORS -eq 0 ]] || echo "; WARNING: $SERVER_ERRORS answers were 5xx other than 503 (see above)")"
