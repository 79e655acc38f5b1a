package io.pigeon.internal.durable.operations;

import io.pigeon.internal.durable.DurableLogSql;

/**
 * The SQL of the log's operations, beside {@link DurableLogSql}'s (whose objects it reads):
 * maintenance, subscription status and administration. Pure: no Spring, no I/O; bind parameters
 * in the order each method's Javadoc gives.
 * <p>
 * A subscription is <em>live</em> unless its lease row is stale ({@code stale_since} set); an
 * event is <em>unprocessed</em> by a subscription when it is not visible in the position's
 * snapshot and not in the open batch's part already processed (visible in the batch's snapshot
 * with an id up to {@code batch_last_id}).
 * <p>
 * Internal: not an API.
 */
final class OperationsSql {

	private final DurableLogSql log;

	OperationsSql(DurableLogSql log) {
		this.log = log;
	}

	DurableLogSql log() {
		return this.log;
	}

	private String q(String name) {
		return this.log.qualified(name);
	}

	/** The query whether the log exists. Parameter: the slot table's qualified name. */
	String logExists() {
		return "SELECT to_regclass(?) IS NOT NULL";
	}

	/** The query of the slot table's qualified name, as {@link #logExists()} takes it. */
	String slotTableName() {
		return q(DurableLogSql.LOG_SLOT);
	}

	String tryLock() {
		return "SELECT pg_catalog.pg_try_advisory_xact_lock(?)";
	}

	String setLockTimeout() {
		return "SELECT pg_catalog.set_config('lock_timeout', ?, true)";
	}

	/**
	 * Marks stale the lease rows not held for longer than the expiry and without a live holder.
	 * Parameter: expiry in milliseconds. Returns {@code subscription}, {@code lane},
	 * {@code last_held}.
	 */
	String markStale() {
		return """
				UPDATE %1$s SET stale_since = clock_timestamp()
				WHERE stale_since IS NULL AND last_held < clock_timestamp() - ? * interval '1 millisecond'
					AND (holder IS NULL OR lease_until IS NULL OR lease_until < clock_timestamp())
				RETURNING subscription, lane, last_held""".formatted(q(DurableLogSql.SUBSCRIPTION_LEASE));
	}

	/**
	 * Records when the slots rotated out of use were closed, with the {@code xmax} of a snapshot
	 * taken after the rotation committed. Returns {@code slot}.
	 */
	String closeRotatedSlots() {
		return """
				UPDATE %1$s SET closed_at = clock_timestamp(), closed_xmax = pg_snapshot_xmax(pg_current_snapshot())
				WHERE NOT current AND closed_at IS NOT NULL AND closed_xmax IS NULL
				RETURNING slot""".formatted(q(DurableLogSql.LOG_SLOT));
	}

	/**
	 * The slots to rotate between, locked. Parameter: half the retention in milliseconds.
	 * Columns: {@code slot}, {@code current}, {@code due} (current for at least half the
	 * retention), {@code empty}.
	 */
	String lockSlots() {
		return """
				SELECT slot, current,
					coalesce(opened_at, '-infinity') <= clock_timestamp() - ? * interval '1 millisecond' AS due,
					NOT current AND closed_at IS NULL AS empty
				FROM %1$s ORDER BY slot FOR UPDATE""".formatted(q(DurableLogSql.LOG_SLOT));
	}

	/**
	 * Takes a slot out of use (its {@code closed_at} marks it closing until
	 * {@link #closeRotatedSlots()} records its {@code closed_xmax}). Parameter: slot.
	 */
	String retireSlot() {
		return "UPDATE %1$s SET current = false, closed_at = clock_timestamp(), closed_xmax = NULL WHERE slot = ?"
			.formatted(q(DurableLogSql.LOG_SLOT));
	}

	/** Makes an empty slot current. Parameter: slot. */
	String openSlot() {
		return """
				UPDATE %1$s SET current = true, opened_at = clock_timestamp(), closed_at = NULL, closed_xmax = NULL
				WHERE slot = ?""".formatted(q(DurableLogSql.LOG_SLOT));
	}

	/**
	 * The closed slots that may be emptied: closed at least the retention ago, and every live
	 * subscription's snapshot has an {@code xmin} of at least the slot's {@code closed_xmax}.
	 * Parameter: retention in milliseconds. Columns: {@code slot}, {@code closed_xmax} (text).
	 */
	String truncatableSlots() {
		return """
				SELECT s.slot, s.closed_xmax::text AS closed_xmax FROM %1$s s
				WHERE NOT s.current AND s.closed_xmax IS NOT NULL
					AND s.closed_at <= clock_timestamp() - ? * interval '1 millisecond'
					AND NOT EXISTS (
						SELECT 1 FROM %2$s sub
						WHERE %3$s AND pg_snapshot_xmin(sub.snapshot) < s.closed_xmax
					)
				ORDER BY s.closed_at""".formatted(q(DurableLogSql.LOG_SLOT), q(DurableLogSql.SUBSCRIPTION),
				live("sub"));
	}

	/** Locks a slot's table against every other access. Parameter: none; slot in the name. */
	String lockSlotTable(int slot) {
		return "LOCK TABLE " + q(DurableLogSql.slotTable(slot)) + " IN ACCESS EXCLUSIVE MODE";
	}

	/**
	 * The number of live subscriptions for which the slot holds an unprocessed event, checked
	 * under the slot's lock: every event in it is then committed or never will be.
	 */
	String subscriptionsWithUnprocessedEvents(int slot) {
		return """
				SELECT count(*) FROM %2$s sub
				WHERE %3$s AND EXISTS (
					SELECT 1 FROM %1$s e
					WHERE e.channel = sub.channel AND e.txid >= pg_snapshot_xmin(sub.snapshot)
						AND NOT pg_visible_in_snapshot(e.txid, sub.snapshot)
				)""".formatted(q(DurableLogSql.slotTable(slot)), q(DurableLogSql.SUBSCRIPTION), live("sub"));
	}

	/** Records what a slot holds, one row per channel. Parameter: none. */
	String recordTruncation(int slot) {
		return """
				INSERT INTO %1$s (slot, channel, events, min_id, max_id, min_created_at, max_created_at, closed_xmax)
				SELECT e.slot, e.channel, count(*), min(e.id), max(e.id), min(e.created_at), max(e.created_at), s.closed_xmax
				FROM %2$s e JOIN %3$s s ON s.slot = e.slot
				GROUP BY e.slot, e.channel, s.closed_xmax""".formatted(q(DurableLogSql.LOG_TRUNCATION),
				q(DurableLogSql.slotTable(slot)), q(DurableLogSql.LOG_SLOT));
	}

	String truncate(int slot) {
		return "TRUNCATE " + q(DurableLogSql.slotTable(slot));
	}

	/** Marks a slot empty. Parameter: slot. */
	String markEmpty() {
		return "UPDATE %1$s SET opened_at = NULL, closed_at = NULL, closed_xmax = NULL WHERE slot = ?"
			.formatted(q(DurableLogSql.LOG_SLOT));
	}

	private String live(String alias) {
		return ("NOT EXISTS (SELECT 1 FROM %1$s l WHERE l.subscription = %2$s.id AND l.lane = %2$s.lane "
				+ "AND l.stale_since IS NOT NULL)").formatted(q(DurableLogSql.SUBSCRIPTION_LEASE), alias);
	}

	/**
	 * Every subscription with its lease, backlog, lag and number of dead letters. The
	 * unprocessed events are those of the position's in-progress transactions (by txid, index
	 * {@code (channel, txid, id)}) and those of later transactions (ids above {@code lower_id},
	 * index {@code (channel, id)}), less the open batch's processed part. Parameter: optional
	 * subscription id (null for all). Columns: {@code id}, {@code lane}, {@code channel},
	 * {@code holder}, {@code lease_until}, {@code last_held}, {@code stale_since},
	 * {@code backlog}, {@code lag_micros}, {@code dead_letters}.
	 */
	String subscriptions() {
		return """
				SELECT s.id, s.lane, s.channel, l.holder, l.lease_until, coalesce(l.last_held, s.created_at) AS last_held,
					l.stale_since, b.backlog,
					coalesce((extract(epoch FROM clock_timestamp() - b.oldest) * 1000000)::bigint, 0) AS lag_micros,
					(SELECT count(*) FROM %4$s d WHERE d.subscription = s.id) AS dead_letters
				FROM %1$s s
				LEFT JOIN %2$s l ON l.subscription = s.id AND l.lane = s.lane
				CROSS JOIN LATERAL (
					SELECT count(*) AS backlog, min(u.created_at) AS oldest FROM (
						SELECT e.id, e.txid, e.created_at
						FROM pg_snapshot_xip(s.snapshot) AS x(txid)
						JOIN %3$s e ON e.channel = s.channel AND e.txid = x.txid
						UNION ALL
						SELECT e.id, e.txid, e.created_at FROM %3$s e
						WHERE e.channel = s.channel AND e.id > s.lower_id AND e.txid >= pg_snapshot_xmax(s.snapshot)
					) u
					WHERE s.batch_snapshot IS NULL OR NOT (pg_visible_in_snapshot(u.txid, s.batch_snapshot)
						AND u.id <= coalesce(s.batch_last_id, -9223372036854775808))
				) b
				WHERE (?::text IS NULL OR s.id = ?)
				ORDER BY s.id, s.lane""".formatted(q(DurableLogSql.SUBSCRIPTION), q(DurableLogSql.SUBSCRIPTION_LEASE),
				q(DurableLogSql.LOG), q(DurableLogSql.DEAD_LETTER));
	}

	/** The bytes of the log's tables and their indexes. Parameter: the log's qualified name. */
	String logSize() {
		return "SELECT coalesce(sum(pg_total_relation_size(relid)), 0) FROM pg_partition_tree(?::regclass)";
	}

	/**
	 * A subscription's dead letters. Parameter: subscription. Columns: those of the table.
	 */
	String deadLetters() {
		return """
				SELECT id, subscription, event_id, channel, payload, exception_class, exception_message, stack_trace,
					attempts, first_attempt_at, last_attempt_at, created_at, redrive_requested_at
				FROM %1$s WHERE subscription = ? ORDER BY id""".formatted(q(DurableLogSql.DEAD_LETTER));
	}

	/** Parameter: dead letter id. */
	String redrive() {
		return "UPDATE %1$s SET redrive_requested_at = clock_timestamp() WHERE id = ?"
			.formatted(q(DurableLogSql.DEAD_LETTER));
	}

	/** Parameter: subscription. */
	String redriveAll() {
		return "UPDATE %1$s SET redrive_requested_at = clock_timestamp() WHERE subscription = ?"
			.formatted(q(DurableLogSql.DEAD_LETTER));
	}

	/** Parameter: dead letter id. */
	String discard() {
		return "DELETE FROM %1$s WHERE id = ?".formatted(q(DurableLogSql.DEAD_LETTER));
	}

	/** The channel of each lane of a subscription. Parameter: id. Columns: lane, channel. */
	String subscriptionLanes() {
		return "SELECT lane, channel FROM %1$s WHERE id = ? ORDER BY lane FOR UPDATE"
			.formatted(q(DurableLogSql.SUBSCRIPTION));
	}

	/** Locks a subscription's lease rows. Parameter: subscription. */
	String lockLeases() {
		return "SELECT lane FROM %1$s WHERE subscription = ? ORDER BY lane FOR UPDATE"
			.formatted(q(DurableLogSql.SUBSCRIPTION_LEASE));
	}

	/** Fences the holders of a subscription. Parameter: subscription. */
	String bumpGeneration() {
		return "UPDATE %1$s SET generation = generation + 1 WHERE subscription = ?"
			.formatted(q(DurableLogSql.SUBSCRIPTION_LEASE));
	}

	/**
	 * The latest creation time of a channel's events removed from the log, or null. Parameter:
	 * channel.
	 */
	String lastRemoved() {
		return "SELECT max(max_created_at) FROM %1$s WHERE channel = ?".formatted(q(DurableLogSql.LOG_TRUNCATION));
	}

	/**
	 * The replay transaction id {@code X}: the smallest txid of the channel's events created at
	 * or after the instant, lowered to the oldest transaction in progress, so that one that
	 * commits later is read too; null when no event was logged since. Parameters: channel,
	 * instant.
	 */
	String replayTxid() {
		return """
				SELECT least(min(txid), pg_snapshot_xmin(pg_current_snapshot()))::text FROM %1$s
				WHERE channel = ? AND created_at >= ? HAVING count(*) > 0""".formatted(q(DurableLogSql.LOG));
	}

	/** The smallest id of the channel's events with a txid of at least X. Parameters: channel, X. */
	String replayLowerId() {
		return "SELECT min(id) FROM %1$s WHERE channel = ? AND txid >= ?::xid8".formatted(q(DurableLogSql.LOG));
	}

	/** Sets a position with no open batch. Parameters: snapshot, lower id, id, lane. */
	String setPosition() {
		return """
				UPDATE %1$s SET snapshot = ?::pg_snapshot, lower_id = ?, batch_snapshot = NULL, batch_lower_id = NULL,
					batch_last_id = NULL, updated_at = clock_timestamp()
				WHERE id = ? AND lane = ?""".formatted(q(DurableLogSql.SUBSCRIPTION));
	}

}
