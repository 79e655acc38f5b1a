#!/usr/bin/env bash
# What Pigeon's generated trigger costs writers, against a minimal hand-written NOTIFY trigger.
#
# Three identical tables: no trigger, the baseline (PERFORM pg_notify(channel,
# json_build_object(...)::text)) and Pigeon's trigger with default options. The script measures
#  1. TPS of single-row INSERT commits with pgbench, one table per run, interleaved over several
#     rounds in alternating order, and prints every run and the median per table;
#  2. one pgbench run that mixes baseline and Pigeon inserts at equal weight, so both see the same
#     conditions, and prints each one's average latency (robust on a busy, shared machine, where
#     separate runs vary a lot);
#  3. the trigger's CPU cost per row: the best of five 50,000-row INSERT ... SELECT statements.
# Nobody listens. PostgreSQL still queues every notification; the script prints
# pg_notification_queue_usage() before and after to show that the queue does not fill.
#
# Usage (from the repository root, PostgreSQL reachable through the usual PG* variables):
#   ./mvnw -q -pl pigeon-spring-boot-autoconfigure compile
#   PGHOST=127.0.0.1 PGUSER=postgres PGDATABASE=pigeon_bench \
#     pigeon-spring-boot-autoconfigure/src/test/benchmark/trigger-cost.sh
# Settings: CLIENTS (4), DURATION seconds per run (20), ROUNDS (3).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
module="$(cd "$here/../../.." && pwd)"
clients="${CLIENTS:-4}"
duration="${DURATION:-20}"
rounds="${ROUNDS:-3}"
work="$(mktemp -d)"

cleanup() {
	psql -q -c "SET client_min_messages = warning" -c "DROP SCHEMA IF EXISTS pigeon_bench CASCADE"
	rm -rf "$work"
}
java -cp "$module/target/classes" "$here/TriggerCostSetup.java" >"$work/setup.sql"
psql -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" -f "$work/setup.sql"
trap cleanup EXIT
for table in items_none items_baseline items_pigeon; do
	sed "s/:table/$table/" "$here/trigger-cost-insert.sql" >"$work/$table.sql"
done

tps() {
	pgbench -n -c "$clients" -j "$clients" -T "$duration" -f "$work/$1.sql" 2>&1 \
		| sed -n 's/^tps = \([0-9.]*\) .*/\1/p'
}

median() {
	tr ' ' '\n' | grep . | sort -n \
		| awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "PostgreSQL $(psql -Atc 'SHOW server_version'), $clients clients, ${duration}s per run, $rounds rounds"
echo "notification queue usage before: $(psql -Atc 'SELECT pg_notification_queue_usage()')"

echo "1. single-row INSERT commits, one table per run"
declare -A results
for round in $(seq "$rounds"); do
	order="items_none items_baseline items_pigeon"
	if ((round % 2 == 0)); then
		order="items_none items_pigeon items_baseline"
	fi
	for table in $order; do
		result="$(tps "$table")"
		results[$table]+="$result "
		echo "   round $round  $table  $result tps"
	done
done
for table in items_none items_baseline items_pigeon; do
	echo "   median $table: $(median <<<"${results[$table]}") tps"
done
awk -v p="$(median <<<"${results[items_pigeon]}")" -v b="$(median <<<"${results[items_baseline]}")" \
	'BEGIN { printf "   pigeon / baseline (median TPS): %.3f\n", p / b }'

echo "2. baseline and Pigeon inserts mixed in one run"
pgbench -n -c "$clients" -j "$clients" -T "$duration" -f "$work/items_baseline.sql@1" -f "$work/items_pigeon.sql@1" \
	2>&1 | awk '/^SQL script/ { name = ($4 ~ /items_baseline/) ? "items_baseline" : "items_pigeon" }
		/^ - latency average/ { latency[name] = $5; print "   " name ": " $5 " ms per transaction" }
		END { printf "   baseline / pigeon latency: %.3f\n", latency["items_baseline"] / latency["items_pigeon"] }'

echo "3. CPU per row, best of five 50,000-row statements"
for table in items_none items_baseline items_pigeon; do
	best="$(for i in 1 2 3 4 5; do
		psql -Atq -c '\timing on' -c "INSERT INTO pigeon_bench.$table SELECT n, 'item ' || n, 12.34, now(),
			'{\"colour\": \"red\", \"sizes\": [1, 2]}', NULL FROM generate_series(1, 50000) n" \
			| sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'
	done | sort -n | head -1)"
	awk -v t="$best" -v name="$table" 'BEGIN { printf "   %s: %.2f us per row\n", name, t * 1000 / 50000 }'
done
echo "notification queue usage after: $(psql -Atc 'SELECT pg_notification_queue_usage()')"
