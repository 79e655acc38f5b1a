#!/usr/bin/env bash
# What Pigeon's generated trigger costs writers, against a minimal hand-written NOTIFY trigger.
#
# Runs pgbench with single-row INSERT commits on three identical tables: no trigger, the
# baseline (PERFORM pg_notify(channel, json_build_object(...)::text)) and Pigeon's trigger with
# default options, interleaved over several rounds so that a noisy machine affects both alike,
# and prints each run and the median TPS of each table. Nobody listens: PostgreSQL still queues
# every notification, and the script prints pg_notification_queue_usage() to show the queue does
# not fill without listeners.
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

psql -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" \
	-f <(java -cp "$module/target/classes" "$here/TriggerCostSetup.java")
trap 'psql -q -c "SET client_min_messages = warning" -c "DROP SCHEMA IF EXISTS pigeon_bench CASCADE"' EXIT

run() {
	pgbench -n -c "$clients" -j "$clients" -T "$duration" -D table="$1" -f "$here/trigger-cost-insert.sql" 2>&1 \
		| sed -n 's/^tps = \([0-9.]*\) .*/\1/p'
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "PostgreSQL: $(psql -Atc 'SHOW server_version'), $clients clients, ${duration}s per run, $rounds rounds"
echo "queue usage before: $(psql -Atc 'SELECT pg_notification_queue_usage()')"
declare -A results
for round in $(seq "$rounds"); do
	for table in items_none items_baseline items_pigeon; do
		tps="$(run "$table")"
		results[$table]+="$tps "
		echo "round $round  $table  $tps tps"
	done
done
echo "queue usage after:  $(psql -Atc 'SELECT pg_notification_queue_usage()')"
for table in items_none items_baseline items_pigeon; do
	echo "median $table: $(tr ' ' '\n' <<<"${results[$table]}" | grep . | median) tps"
done
baseline="$(tr ' ' '\n' <<<"${results[items_baseline]}" | grep . | median)"
pigeon="$(tr ' ' '\n' <<<"${results[items_pigeon]}" | grep . | median)"
awk -v p="$pigeon" -v b="$baseline" 'BEGIN { printf "pigeon / baseline: %.3f\n", p / b }'
