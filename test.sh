#!/usr/bin/env bash
# Runs the whole test suite: the one command for developers and CI.
#
#   ./test.sh                      build (Debug) and run every test project
#   ./test.sh --filter 'FullyQualifiedName~Credits'   extra arguments go to `dotnet test`
#
# Starts a throwaway PostgreSQL 15 on 127.0.0.1 (free port, data in a temporary folder, removed on exit) and
# exports its connection string as SMALLCHANGE_TEST_POSTGRES for the PostgreSQL contract tests. If
# SMALLCHANGE_TEST_POSTGRES is already set, that server is used instead. Without PostgreSQL binaries (and not
# root, so nothing can be installed) it warns and runs the rest. Installs Debian's chromium package for the browser
# tests when /usr/bin/chromium is missing (as root). Exits with dotnet's exit code.
# Safe to run twice at once: temporary folders and ports are unique, and the build step is serialised by a lock.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
REPO=$(pwd)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_CLI_UI_LANGUAGE=en   # .ci/run reads dotnet's English summary lines
export MSBUILDDISABLENODEREUSE=1   # no build servers left behind holding files

log() { printf 'test.sh: %s\n' "$*" >&2; }

if ! command -v dotnet >/dev/null 2>&1; then
    if [[ -x "$HOME/.dotnet/dotnet" ]]; then
        export PATH="$HOME/.dotnet:$PATH"
    else
        log "error: dotnet (SDK 10) is not on PATH"
        exit 127
    fi
fi

# ---- throwaway PostgreSQL ------------------------------------------------------------------------------------

PG_DIR=""
PG_BIN=""
PG_USER_PREFIX=()

cleanup() {
    local rc=$?
    if [[ -n "$PG_DIR" && -d "$PG_DIR" ]]; then
        if [[ -f "$PG_DIR/data/postmaster.pid" ]]; then
            "${PG_USER_PREFIX[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
        fi
        rm -rf "$PG_DIR"
    fi
    if [[ -n "${PII_DIR:-}" && -d "$PII_DIR" ]]; then
        rm -rf "$PII_DIR"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

find_pg_bin() {
    local d
    for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
        if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
            echo "$d"
            return 0
        fi
    done
    return 1
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") >/dev/null 2>&1
}

start_postgres() {
    if ! PG_BIN=$(find_pg_bin); then
        if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
            log "PostgreSQL binaries not found; installing postgresql-15"
            export DEBIAN_FRONTEND=noninteractive
            if ! apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null 2>&1; then
                apt-get update -qq >/dev/null 2>&1 || true
                apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null 2>&1 || true
            fi
        fi
        if ! PG_BIN=$(find_pg_bin); then
            log "warning: PostgreSQL binaries not found (and could not be installed); PostgreSQL tests will not run"
            return 0
        fi
    fi

    PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/smallchange-pg.XXXXXXXX")
    if [[ $EUID -eq 0 ]]; then
        # initdb refuses to run as root: run the server as the postgres user, which must own its folder.
        if ! id postgres >/dev/null 2>&1; then
            log "warning: running as root and there is no 'postgres' user; PostgreSQL tests will not run"
            return 0
        fi
        PG_USER_PREFIX=(runuser -u postgres --)
        chown postgres: "$PG_DIR"
    fi
    chmod 700 "$PG_DIR"

    if ! "${PG_USER_PREFIX[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --no-sync >"$PG_DIR/initdb.log" 2>&1; then
        log "warning: initdb failed; PostgreSQL tests will not run"
        sed 's/^/  initdb: /' "$PG_DIR/initdb.log" >&2 || true
        return 0
    fi

    local attempt port
    for attempt in 1 2 3 4 5 6 7 8; do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        if port_in_use "$port"; then
            continue
        fi
        # fsync off: the data is thrown away, and it is the slow part on CI disks.
        if "${PG_USER_PREFIX[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -t 30 -l "$PG_DIR/server.log" \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
            start >/dev/null 2>&1; then
            export SMALLCHANGE_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
            log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $PG_DIR)"
            return 0
        fi
        log "PostgreSQL did not start on port $port (attempt $attempt); trying another port"
    done
    log "warning: PostgreSQL would not start; PostgreSQL tests will not run"
    sed 's/^/  postgres: /' "$PG_DIR/server.log" >&2 2>/dev/null || true
    return 0
}

if [[ -n "${SMALLCHANGE_TEST_POSTGRES:-}" ]]; then
    log "using the PostgreSQL given in SMALLCHANGE_TEST_POSTGRES"
else
    start_postgres
fi

# The personal-data key ring the PostgreSQL tests (and the smallchange processes they start) share: PostgreSQL has no
# default key file (docs/privacy.md). Without this, tests/Shared/TestPostgres.cs makes one per test process.
if [[ -z "${SMALLCHANGE_PII_KEY_FILE:-}" ]]; then
    PII_DIR=$(mktemp -d "${TMPDIR:-/tmp}/smallchange-pii.XXXXXXXX")
    export SMALLCHANGE_PII_KEY_FILE="$PII_DIR/pii-keys.json"
fi

# ---- Chromium for the browser tests ----------------------------------------------------------------------------

# The browser tests (tests/SmallChange.Tests/Browser) drive Debian's Chromium with Playwright; Playwright's own browser
# download is never used. Install the distribution's package when it is missing and we may (root with apt-get).
if [[ -z "${SMALLCHANGE_CHROMIUM:-}" && ! -x /usr/bin/chromium ]]; then
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        log "Chromium not found; installing Debian's chromium package for the browser tests"
        export DEBIAN_FRONTEND=noninteractive
        if ! apt-get install -y chromium >/dev/null 2>&1; then
            apt-get update -qq >/dev/null 2>&1 || true
            apt-get install -y chromium >/dev/null 2>&1 || log "warning: could not install chromium; the browser tests will fail"
        fi
    else
        log "warning: /usr/bin/chromium is missing (and cannot be installed here); the browser tests will fail"
    fi
fi

# ---- build and test --------------------------------------------------------------------------------------------

# Debug: measured on this kind of machine, the suites take the same time in Debug and Release (the end-to-end
# project is I/O-bound: 8-11 s either way), a fresh build costs the same, and Debug reuses the build developers
# already have instead of compiling every project a second time. A configuration given on the command line wins.
CONFIG=Debug
USER_SET_CONFIG=0
NO_BUILD=0
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[i]}" in
        -c | --configuration) USER_SET_CONFIG=1; CONFIG="${args[i + 1]:-$CONFIG}" ;;
        -c=* | --configuration=* | --configuration:*) USER_SET_CONFIG=1; CONFIG="${args[i]#*[=:]}" ;;
        --no-build) NO_BUILD=1 ;;
    esac
done

test_args=(test SmallChange.slnx --logger "console;verbosity=minimal")
if [[ $NO_BUILD -eq 0 ]]; then
    test_args+=(--no-build)
fi
if [[ $USER_SET_CONFIG -eq 0 ]]; then
    test_args+=(-c "$CONFIG")
fi

rc=0
if [[ $NO_BUILD -eq 0 ]]; then
    # Two runs at once must not write the same bin/ and obj/ folders together: the build holds a lock.
    mkdir -p "$REPO/.tmp"
    build=(dotnet build SmallChange.slnx -c "$CONFIG" -nologo -v:q -clp:NoSummary)
    if command -v flock >/dev/null 2>&1; then
        flock "$REPO/.tmp/build.lock" "${build[@]}" || rc=$?
    else
        "${build[@]}" || rc=$?
    fi
    if [[ $rc -ne 0 ]]; then
        log "build failed (exit $rc); no tests ran"
        exit "$rc"
    fi
fi

dotnet "${test_args[@]}" "$@" || rc=$?
exit "$rc"
