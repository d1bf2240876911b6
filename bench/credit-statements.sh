#!/usr/bin/env bash
# Statements per credit on PostgreSQL: runs bench/credit-load.sh against a database with pg_stat_statements and reads
# the statistics of the measured run only (a count, not a wall time: it holds on a shared, noisy machine).
#
#   bench/credit-statements.sh --db 'Host=...;Port=...;Username=...;Database=...' [credit-load.sh options]
#
# The database's server must load pg_stat_statements (shared_preload_libraries) and the extension must exist in the
# database. The script resets this database's statistics when the first wrk run of credit-load.sh (the warm-up) ends,
# records the number of credits and the AML credit monitor's position, and reads the statistics again when the second
# wrk run (the measured one) ends, before anything else runs. It prints the statements and execution time per credit
# stored in that interval, per leaf the AML credit monitor advanced over, and the top statements by calls. Pass
# --modes on (one mode) so the second wrk run is the measured group-commit run.
# Needs psql. The statistics of other databases on the same server are left alone.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DB=""
ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --db) DB="$2"; ARGS+=("$1" "$2"); shift 2 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
[[ -n "$DB" ]] || { echo "credit-statements: --db is required" >&2; exit 2; }
command -v psql >/dev/null || { echo "credit-statements: psql is required" >&2; exit 2; }

# The connection string's Host, Port, Username and Database as psql options.
kv() { tr ';' '\n' <<<"$DB" | awk -F= -v k="$1" 'tolower($1) == tolower(k) { print $2 }'; }
PSQL=(psql -X -q -At -h "$(kv Host)" -p "$(kv Port)" -U "$(kv Username)" -d "$(kv Database)")
q() { "${PSQL[@]}" -c "$1"; }
q "SELECT 1 FROM pg_stat_statements LIMIT 1" >/dev/null

# Only this database's statements, and none of this script's own (they carry a marker comment).
DBID=$(q "SELECT oid FROM pg_database WHERE datname = current_database()")
MINE="dbid = $DBID AND query NOT LIKE '%credit-statements%'"
count_state() {
  q "/* credit-statements */ SELECT (SELECT COUNT(*) FROM transfers WHERE source_ref IS NOT NULL) || ' ' ||
     COALESCE((SELECT position FROM monitor_positions WHERE name = 'aml_credits'), 0) || ' ' ||
     COALESCE((SELECT tree_size FROM log_batches ORDER BY tree_size DESC LIMIT 1), 0)" 2>/dev/null || echo "0 0 0"
}

OUT=$(mktemp -d "${TMPDIR:-/tmp}/credit-statements.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
setsid "$ROOT/bench/credit-load.sh" "${ARGS[@]}" >"$OUT/load.json" 2>"$OUT/load.err" &
LOAD=$!
SID=$LOAD

# wrk_runs: how many wrk processes of credit-load.sh's session have started so far (polled).
started=0
seen=""
phase=0
while kill -0 "$LOAD" 2>/dev/null; do
  pids=$(ps -eo pid=,sid=,comm= | awk -v s="$SID" '$2 == s && $3 == "wrk" { print $1 }')
  for p in $pids; do
    [[ " $seen " == *" $p "* ]] && continue
    seen="$seen $p"
    started=$((started + 1))
  done
  running=$([[ -n "$pids" ]] && echo 1 || echo 0)
  if [[ $phase -eq 0 && $started -ge 1 && $running -eq 0 ]]; then
    q "SELECT pg_stat_statements_reset(0, $DBID, 0)" >/dev/null
    read -r C0 M0 T0 < <(count_state)
    phase=1
  elif [[ $phase -eq 1 && $started -ge 2 && $running -eq 0 ]]; then
    read -r C1 M1 T1 < <(count_state)
    q "/* credit-statements */ SELECT calls, round(total_exec_time::numeric, 1), rows, left(regexp_replace(query, '\s+', ' ', 'g'), 160)
       FROM pg_stat_statements WHERE $MINE ORDER BY calls DESC" >"$OUT/statements.txt"
    phase=2
  fi
  sleep 0.1
done
wait "$LOAD" || true
cat "$OUT/load.err" >&2
[[ $phase -eq 2 ]] || { echo "credit-statements: did not see the two wrk runs" >&2; exit 1; }

credits=$((C1 - C0))
leaves=$((M1 - M0))
awk -F'|' -v c="$credits" -v l="$leaves" -v lag="$((T1 - M1))" '
  { calls += $1; ms += $2 }
  END {
    printf "{\"credits\":%d,\"monitor_leaves\":%d,\"monitor_lag_leaves\":%d,\"statements\":%d,\"exec_ms\":%.1f,\"statements_per_credit\":%.2f,\"exec_us_per_credit\":%.1f}\n",
      c, l, lag, calls, ms, calls / (c > 0 ? c : 1), ms * 1000 / (c > 0 ? c : 1)
  }' "$OUT/statements.txt"
echo "top statements (calls | exec ms | rows | query):"
head -40 "$OUT/statements.txt"
tail -1 "$OUT/load.json"
