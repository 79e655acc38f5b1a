package io.pigeon.internal.durable;

import io.pigeon.internal.sql.SqlIdentifiers;

/**
 * The SQL of Pigeon's change log and its subscriptions, for one Pigeon schema: the DDL of the
 * log's objects and every statement that reads or writes them. Pure: no Spring, no I/O; the
 * statements take bind parameters, in the order each method's Javadoc gives.
 * <p>
 * <b>The log.</b> {@value #LOG} is a table partitioned by {@code slot} into
 * {@value #SLOTS} tables ({@code pigeon_log_0} …), PgQ's rotating tables: triggers append to
 * the slot that {@value #LOG_SLOT} marks current; maintenance rotates to the next, empty slot
 * and empties a closed slot with {@code TRUNCATE} once all its events are past retention and
 * processed by every live subscription. No row of the log is ever updated or deleted, so the
 * log does not bloat, also while a long transaction holds vacuum back. Every event has an id
 * from {@value #EVENT_ID_SEQUENCE} (allocated after its transaction's id, so an id allocated
 * after a snapshot is larger than every id allocated before it) and its transaction's
 * {@code txid}.
 * <p>
 * <b>Positions.</b> A subscription's position is a {@link LogPosition}: a snapshot
 * {@code S} every event visible in which has been processed, with {@code L}, the largest id
 * allocated before {@code S} was taken. The next batch is every event visible in a later
 * snapshot {@code S'} but not in {@code S}, read in id order in pages of at most the batch
 * size; once a page comes back short, the position becomes {@code (S', L')}. Between reading
 * {@code L} and taking {@code S} the reader commits a transaction id of its own, because a
 * snapshot's {@code xmax} is one past the newest completed transaction, not the next one to be
 * assigned: only then is every transaction at or above {@code xmax} younger than {@code L}. A transaction
 * that writes first and commits last is in {@code S}'s in-progress list and is read in the
 * batch in which it becomes visible: nothing is skipped, whatever the commit order. Two
 * changes of one row are always read in commit order: the second writer waits for the first's
 * commit before it allocates its id. These are PgQ's batches, with the snapshot taken by the
 * reader instead of a ticker.
 * <p>
 * <b>Leases.</b> One instance at a time holds a subscription (a row in
 * {@value #SUBSCRIPTION_LEASE}, renewed every third of the lease timeout, judged by the
 * database's clock). Every takeover increments the lease's {@code generation}; an
 * acknowledgement locks the lease row {@code FOR KEY SHARE} and succeeds only with the
 * holder's generation, while a takeover locks it {@code FOR UPDATE}, so an acknowledgement in
 * flight either commits before the new holder reads the position or fails (fencing). Positions
 * and leases are keyed by subscription and lane.
 * <p>
 * <b>Lanes.</b> A subscription with {@code concurrency} N is N lanes: lane i reads only the
 * events whose {@code lane_key} (a hash of the trigger's key columns, written by the trigger;
 * {@code null}, read as 0, for statement-level events) modulo N is i, with its own position,
 * lease and worker, so that the changes of one key keep their order while different keys are
 * delivered in parallel. Instances running the subscription renew a row in
 * {@value #SUBSCRIPTION_MEMBER}; each holds at most its fair share of the lanes
 * ({@code ceil(N / live instances)}) and releases the rest.
 * <p>
 * Internal: not an API.
 */
public final class DurableLogSql {

	/** The partitioned log table. */
	public static final String LOG = "pigeon_log";

	/** The table that says which slot of the log is current, and when each was closed. */
	public static final String LOG_SLOT = "pigeon_log_slot";

	/**
	 * Records of emptied slots, one row per channel that had events in the slot, to tell a
	 * returning stale subscription what it missed.
	 */
	public static final String LOG_TRUNCATION = "pigeon_log_truncation";

	/** The sequence of event ids. */
	public static final String EVENT_ID_SEQUENCE = "pigeon_log_event_id_seq";

	/** Positions of subscriptions. */
	public static final String SUBSCRIPTION = "pigeon_subscription";

	/** Leases of subscriptions. */
	public static final String SUBSCRIPTION_LEASE = "pigeon_subscription_lease";

	/**
	 * The instances that run a subscription split into lanes, each renewing its row like a
	 * lease: how many are alive decides each one's fair share of the lanes.
	 */
	public static final String SUBSCRIPTION_MEMBER = "pigeon_subscription_member";

	/** Events a subscription gave up on. */
	public static final String DEAD_LETTER = "pigeon_dead_letter";

	/** The number of rotating slots of the log. */
	public static final int SLOTS = 3;

	/**
	 * The channel of the wake-up NOTIFY a durable trigger sends with {@code wake-up: notify};
	 * its payload is the Pigeon channel, so PostgreSQL collapses a transaction's wake-ups to
	 * one per channel.
	 */
	public static final String WAKE_UP_CHANNEL = "pigeon_durable";

	private final String schema;

	/**
	 * Create the SQL for the log in the given schema.
	 * @param schema the Pigeon schema ({@code pigeon.install.schema})
	 */
	public DurableLogSql(String schema) {
		SqlIdentifiers.quote(schema);
		this.schema = schema;
	}

	/**
	 * Return the schema the log lives in.
	 * @return the Pigeon schema
	 */
	public String schema() {
		return this.schema;
	}

	/**
	 * Return the schema-qualified, quoted name of one of the log's objects.
	 * @param name one of this class's object names
	 * @return the quoted name
	 */
	public String qualified(String name) {
		return SqlIdentifiers.qualified(this.schema, name);
	}

	/**
	 * Return the idempotent DDL of the log's objects. No privilege on any of them is granted:
	 * only Pigeon's own roles read the log (durable trigger functions write it as their owner,
	 * {@code SECURITY DEFINER}).
	 * @return the statements, separated by semicolons
	 */
	public String createObjects() {
		StringBuilder sql = new StringBuilder();
		String log = qualified(LOG);
		sql.append("""
				CREATE SEQUENCE IF NOT EXISTS %1$s AS bigint CACHE 1;
				CREATE TABLE IF NOT EXISTS %2$s (
					slot smallint NOT NULL,
					id bigint NOT NULL,
					txid xid8 NOT NULL,
					channel text NOT NULL,
					created_at timestamptz NOT NULL,
					payload text NOT NULL
				) PARTITION BY LIST (slot);
				""".formatted(qualified(EVENT_ID_SEQUENCE), log));
		for (int slot = 0; slot < SLOTS; slot++) {
			sql.append("CREATE TABLE IF NOT EXISTS %s PARTITION OF %s FOR VALUES IN (%d);\n"
				.formatted(qualified(slotTable(slot)), log, slot));
		}
		// Added after version 0.2's log: a keyed event's lane key (null for none, read as 0).
		sql.append("ALTER TABLE %s ADD COLUMN IF NOT EXISTS lane_key bigint;\n".formatted(log));
		sql.append("""
				CREATE INDEX IF NOT EXISTS %2$s ON %1$s (channel, id);
				CREATE INDEX IF NOT EXISTS %3$s ON %1$s (channel, txid, id);
				REVOKE ALL ON %1$s FROM PUBLIC;
				CREATE TABLE IF NOT EXISTS %4$s (
					slot smallint PRIMARY KEY,
					current boolean NOT NULL DEFAULT false,
					opened_at timestamptz,
					closed_at timestamptz,
					closed_xmax xid8
				);
				CREATE UNIQUE INDEX IF NOT EXISTS %5$s ON %4$s (current) WHERE current;
				""".formatted(log, SqlIdentifiers.quote(LOG + "_channel_id_idx"),
				SqlIdentifiers.quote(LOG + "_channel_txid_idx"), qualified(LOG_SLOT),
				SqlIdentifiers.quote(LOG_SLOT + "_current_idx")));
		sql.append("INSERT INTO %s (slot, current, opened_at) VALUES (0, true, clock_timestamp())"
			.formatted(qualified(LOG_SLOT)));
		for (int slot = 1; slot < SLOTS; slot++) {
			sql.append(", (").append(slot).append(", false, NULL)");
		}
		sql.append(" ON CONFLICT (slot) DO NOTHING;\n");
		sql.append("""
				CREATE TABLE IF NOT EXISTS %1$s (
					slot smallint NOT NULL,
					channel text NOT NULL,
					events bigint NOT NULL,
					min_id bigint,
					max_id bigint,
					min_created_at timestamptz,
					max_created_at timestamptz,
					closed_xmax xid8 NOT NULL,
					truncated_at timestamptz NOT NULL DEFAULT clock_timestamp()
				);
				CREATE TABLE IF NOT EXISTS %2$s (
					id text NOT NULL,
					lane smallint NOT NULL DEFAULT 0,
					channel text NOT NULL,
					snapshot pg_snapshot NOT NULL,
					lower_id bigint NOT NULL,
					batch_snapshot pg_snapshot,
					batch_lower_id bigint,
					batch_last_id bigint,
					created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
					updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
					PRIMARY KEY (id, lane)
				);
				CREATE TABLE IF NOT EXISTS %3$s (
					subscription text NOT NULL,
					lane smallint NOT NULL DEFAULT 0,
					holder text,
					generation bigint NOT NULL DEFAULT 0,
					lease_until timestamptz,
					acquired_at timestamptz,
					last_held timestamptz NOT NULL DEFAULT clock_timestamp(),
					stale_since timestamptz,
					PRIMARY KEY (subscription, lane)
				);
				CREATE TABLE IF NOT EXISTS %4$s (
					id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
					subscription text NOT NULL,
					event_id bigint NOT NULL,
					channel text NOT NULL,
					payload text NOT NULL,
					exception_class text NOT NULL,
					exception_message text,
					stack_trace text,
					attempts integer NOT NULL,
					first_attempt_at timestamptz NOT NULL,
					last_attempt_at timestamptz NOT NULL,
					created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
					redrive_requested_at timestamptz,
					UNIQUE (subscription, event_id)
				);
				CREATE TABLE IF NOT EXISTS %6$s (
					subscription text NOT NULL,
					holder text NOT NULL,
					seen_until timestamptz NOT NULL,
					PRIMARY KEY (subscription, holder)
				);
				REVOKE ALL ON %1$s, %2$s, %3$s, %4$s, %5$s, %6$s FROM PUBLIC;
				""".formatted(qualified(LOG_TRUNCATION), qualified(SUBSCRIPTION), qualified(SUBSCRIPTION_LEASE),
				qualified(DEAD_LETTER), qualified(LOG_SLOT), qualified(SUBSCRIPTION_MEMBER)));
		return sql.toString();
	}

	/**
	 * Return the name of one slot's table.
	 * @param slot the slot, from 0
	 * @return the unqualified table name
	 */
	public static String slotTable(int slot) {
		return LOG + "_" + slot;
	}

	/**
	 * Return an expression a trigger function uses for the current slot.
	 * @return a scalar subquery
	 */
	public String currentSlotExpression() {
		return "(SELECT slot FROM " + qualified(LOG_SLOT) + " WHERE current)";
	}

	/**
	 * Return the query of the largest event id allocated so far (0 when none), to be run as
	 * its own statement before {@link #currentSnapshot()}: together they make the {@code L}
	 * and {@code S} of a {@link LogPosition}.
	 * @return the query, without parameters, of one {@code bigint}
	 */
	public String lastEventId() {
		return "SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM " + qualified(EVENT_ID_SEQUENCE);
	}

	/**
	 * Return the statement, run on its own in auto-commit between {@link #lastEventId()} and
	 * {@link #currentSnapshot()}, that assigns and commits a transaction id, so that the
	 * snapshot's {@code xmax} is above every transaction id assigned before {@code L} was read
	 * (see {@link LogReader}).
	 * @return the statement, without parameters, returning the id as text
	 */
	public String completeTransactionId() {
		return "SELECT pg_current_xact_id()::text";
	}

	/**
	 * Return the query of the current snapshot, as text.
	 * @return the query, without parameters
	 */
	public String currentSnapshot() {
		return "SELECT pg_current_snapshot()::text";
	}

	/**
	 * Return the query of one page of a batch: the events of a channel visible in the
	 * batch's snapshot and not in the position's, with ids above the last one processed, in id
	 * order. The events of transactions that were in progress at the position's snapshot are
	 * looked up by their txid (index {@code (channel, txid, id)}), all others by id range above
	 * {@code L} (index {@code (channel, id)}), so a page costs the same however far back a long
	 * transaction reaches and however large the batch is.
	 * <p>
	 * The id range is exact only because {@link LogReader} commits a transaction id of its own
	 * between reading {@code L} and taking the snapshot: a snapshot's {@code xmax} is one past
	 * the latest <em>completed</em> transaction, so without it a transaction that already had
	 * its txid and its event id could be neither in the in-progress list nor below {@code xmax},
	 * with an id at most {@code L}.
	 * <p>
	 * Parameters: as {@link #pageParameters} gives them. Columns: {@code id}, {@code txid}
	 * (text), {@code created_at}, {@code payload}.
	 * @return the query
	 */
	public String page() {
		return page(false);
	}

	/**
	 * Return the query of one page of a batch of one lane: as {@link #page()}, keeping only
	 * the events whose lane key ({@code null} read as 0) modulo the number of lanes, taken
	 * non-negative, is the lane. Parameters: as {@link #pageParameters(String, LogPosition,
	 * int, int, int)} gives them.
	 * @return the query
	 */
	public String lanePage() {
		return page(true);
	}

	private String page(boolean lane) {
		String log = qualified(LOG);
		String filter = lane ? "\n\t\t\t\t\tAND mod(mod(coalesce(l.lane_key, 0), ?) + ?, ?) = ?" : "";
		return """
				SELECT id, txid::text AS txid, created_at, payload FROM (
					SELECT e.id, e.txid, e.created_at, e.payload
					FROM pg_snapshot_xip(?::pg_snapshot) AS x(txid)
					CROSS JOIN LATERAL (
						SELECT l.id, l.txid, l.created_at, l.payload FROM %1$s l
						WHERE l.channel = ? AND l.txid = x.txid AND l.id > ?%2$s
						ORDER BY l.id LIMIT ?
					) e
					WHERE pg_visible_in_snapshot(x.txid, ?::pg_snapshot)
					UNION ALL
					(SELECT l.id, l.txid, l.created_at, l.payload FROM %1$s l
					WHERE l.channel = ? AND l.id > greatest(?, ?) AND l.txid >= pg_snapshot_xmax(?::pg_snapshot)
						AND pg_visible_in_snapshot(l.txid, ?::pg_snapshot)%2$s
					ORDER BY l.id LIMIT ?)
				) batch
				ORDER BY id LIMIT ?""".formatted(log, filter);
	}

	/**
	 * Return the parameters of {@link #page()} in its order.
	 * @param channel the subscription's channel
	 * @param position the position, with an open batch
	 * @param limit the page size
	 * @return the bind parameters
	 */
	public static Object[] pageParameters(String channel, LogPosition position, int limit) {
		if (position.batchSnapshot() == null) {
			throw new IllegalArgumentException("The position has no open batch");
		}
		long lastId = position.pageFrom();
		return new Object[] { position.snapshot(), channel, lastId, limit, position.batchSnapshot(), channel,
				position.lowerId(), lastId, position.snapshot(), position.batchSnapshot(), limit, limit };
	}

	/**
	 * Return the parameters of {@link #lanePage()} in its order.
	 * @param channel the subscription's channel
	 * @param position the lane's position, with an open batch
	 * @param limit the page size
	 * @param lane the lane, from 0
	 * @param lanes the number of lanes, more than 1
	 * @return the bind parameters
	 */
	public static Object[] pageParameters(String channel, LogPosition position, int limit, int lane, int lanes) {
		if (position.batchSnapshot() == null) {
			throw new IllegalArgumentException("The position has no open batch");
		}
		long lastId = position.pageFrom();
		long n = lanes;
		return new Object[] { position.snapshot(), channel, lastId, n, n, n, lane, limit, position.batchSnapshot(),
				channel, position.lowerId(), lastId, position.snapshot(), position.batchSnapshot(), n, n, n, lane,
				limit, limit };
	}

	/**
	 * Return the query of the number of lanes a subscription is registered with. Parameters:
	 * id. Column: one {@code bigint}, 0 for an unknown subscription.
	 * @return the query
	 */
	public String laneCount() {
		return "SELECT count(*) FROM %1$s WHERE id = ?".formatted(qualified(SUBSCRIPTION));
	}

	/**
	 * Return the statement that records this instance as running a subscription until a time
	 * (a lease timeout from now). Parameters: subscription, holder, lease timeout in
	 * milliseconds.
	 * @return the statement
	 */
	public String renewMember() {
		return """
				INSERT INTO %1$s (subscription, holder, seen_until)
				VALUES (?, ?, clock_timestamp() + ? * interval '1 millisecond')
				ON CONFLICT (subscription, holder) DO UPDATE SET seen_until = excluded.seen_until"""
			.formatted(qualified(SUBSCRIPTION_MEMBER));
	}

	/**
	 * Return the statement that removes this instance from a subscription's members on a
	 * clean stop, and every member whose time ran out. Parameters: subscription, holder.
	 * @return the statement
	 */
	public String removeMember() {
		return """
				DELETE FROM %1$s WHERE subscription = ? AND (holder = ? OR seen_until < clock_timestamp())"""
			.formatted(qualified(SUBSCRIPTION_MEMBER));
	}

	/**
	 * Return the query of how many instances run a subscription: members whose time has not
	 * run out, and holders of unexpired leases (an instance of an older version has no member
	 * row). Parameters: subscription, subscription. Column: one {@code bigint}.
	 * @return the query
	 */
	public String liveMembers() {
		return """
				SELECT count(DISTINCT holder) FROM (
					SELECT holder FROM %1$s WHERE subscription = ? AND seen_until > clock_timestamp()
					UNION ALL
					SELECT holder FROM %2$s WHERE subscription = ? AND holder IS NOT NULL
						AND lease_until > clock_timestamp()
				) live""".formatted(qualified(SUBSCRIPTION_MEMBER), qualified(SUBSCRIPTION_LEASE));
	}

	/**
	 * Return the query of what a subscription missed because slots were emptied while it was
	 * stale: the channel's truncation records of slots holding events not visible in its
	 * snapshot. Parameters: channel, position snapshot (text). Columns: {@code events},
	 * {@code min_id}, {@code max_id}, {@code min_created_at}, {@code max_created_at}; all null
	 * when nothing was missed.
	 * @return the query
	 */
	public String missedEvents() {
		return """
				SELECT sum(events) AS events, min(min_id) AS min_id, max(max_id) AS max_id,
					min(min_created_at) AS min_created_at, max(max_created_at) AS max_created_at
				FROM %1$s WHERE channel = ? AND closed_xmax > pg_snapshot_xmin(?::pg_snapshot)"""
			.formatted(qualified(LOG_TRUNCATION));
	}

	/**
	 * Return the statement that registers a subscription at a position unless it exists.
	 * Parameters: id, lane, channel, snapshot (text), lower id.
	 * @return the statement
	 */
	public String registerSubscription() {
		return """
				INSERT INTO %1$s (id, lane, channel, snapshot, lower_id) VALUES (?, ?, ?, ?::pg_snapshot, ?)
				ON CONFLICT (id, lane) DO NOTHING""".formatted(qualified(SUBSCRIPTION));
	}

	/**
	 * Return the statement that registers every lane of a new subscription at one position,
	 * lanes 0 to n - 1, unless they exist. Parameters: id, channel, snapshot (text), lower id,
	 * number of lanes.
	 * @return the statement
	 */
	public String registerLanes() {
		return """
				INSERT INTO %1$s (id, lane, channel, snapshot, lower_id)
				SELECT ?, lane, ?, ?::pg_snapshot, ? FROM generate_series(0, ? - 1) AS lane ORDER BY lane
				ON CONFLICT (id, lane) DO NOTHING""".formatted(qualified(SUBSCRIPTION));
	}

	/**
	 * Return the statement that registers a subscription's lease row unless it exists.
	 * Parameters: subscription, lane.
	 * @return the statement
	 */
	public String registerLease() {
		return """
				INSERT INTO %1$s (subscription, lane) VALUES (?, ?)
				ON CONFLICT (subscription, lane) DO NOTHING""".formatted(qualified(SUBSCRIPTION_LEASE));
	}

	/**
	 * Return the query of a subscription's position. Parameters: id, lane. Columns:
	 * {@code channel}, {@code snapshot}, {@code lower_id}, {@code batch_snapshot},
	 * {@code batch_lower_id}, {@code batch_last_id} (snapshots as text).
	 * @return the query
	 */
	public String position() {
		return """
				SELECT channel, snapshot::text AS snapshot, lower_id, batch_snapshot::text AS batch_snapshot,
					batch_lower_id, batch_last_id
				FROM %1$s WHERE id = ? AND lane = ?""".formatted(qualified(SUBSCRIPTION));
	}

	/**
	 * Return the statement that stores a position, fenced by the lease: it updates one row
	 * only while the lease row has the given holder and generation, which it locks
	 * {@code FOR KEY SHARE} until the transaction ends (so a takeover waits for it). Zero rows
	 * updated means the lease was lost: the caller must roll back what it did for the events
	 * it was about to acknowledge.
	 * <p>
	 * Parameters: as {@link #acknowledgeParameters} gives them.
	 * @return the statement
	 */
	public String acknowledge() {
		return """
				WITH fence AS (
					SELECT 1 FROM %2$s
					WHERE subscription = ? AND lane = ? AND holder = ? AND generation = ?
					FOR KEY SHARE
				)
				UPDATE %1$s SET snapshot = ?::pg_snapshot, lower_id = ?, batch_snapshot = ?::pg_snapshot,
					batch_lower_id = ?, batch_last_id = ?, updated_at = clock_timestamp()
				WHERE id = ? AND lane = ? AND EXISTS (SELECT 1 FROM fence)""".formatted(qualified(SUBSCRIPTION),
				qualified(SUBSCRIPTION_LEASE));
	}

	/**
	 * Return the parameters of {@link #acknowledge()} in its order.
	 * @param subscription the subscription's id
	 * @param lane the lane
	 * @param holder this instance
	 * @param generation the generation of this instance's lease
	 * @param position the position to store
	 * @return the bind parameters
	 */
	public static Object[] acknowledgeParameters(String subscription, int lane, String holder, long generation,
			LogPosition position) {
		return new Object[] { subscription, lane, holder, generation, position.snapshot(), position.lowerId(),
				position.batchSnapshot(), position.batchLowerId(), position.batchLastId(), subscription, lane };
	}

	/**
	 * Return the statement that takes a lease that is free, expired or already this
	 * instance's, waiting for acknowledgements in flight ({@code FOR UPDATE}). Parameters: as
	 * {@link #acquireLeaseParameters} gives them. Returns one row
	 * ({@code generation}, {@code previous_holder}, {@code last_held}, {@code stale_since})
	 * when taken, none otherwise.
	 * @return the statement
	 */
	public String acquireLease() {
		return """
				WITH locked AS (
					SELECT subscription, lane, holder, last_held, stale_since FROM %1$s
					WHERE subscription = ? AND lane = ?
					FOR UPDATE
				)
				UPDATE %1$s l SET holder = ?, generation = l.generation + 1,
					lease_until = clock_timestamp() + ? * interval '1 millisecond', acquired_at = clock_timestamp(),
					last_held = clock_timestamp(), stale_since = NULL
				FROM locked
				WHERE l.subscription = locked.subscription AND l.lane = locked.lane
					AND (locked.holder IS NULL OR l.lease_until IS NULL OR l.lease_until < clock_timestamp()
						OR locked.holder = ?)
				RETURNING l.generation, locked.holder AS previous_holder, locked.last_held, locked.stale_since"""
			.formatted(qualified(SUBSCRIPTION_LEASE));
	}

	/**
	 * Return the parameters of {@link #acquireLease()} in its order.
	 * @param subscription the subscription's id
	 * @param lane the lane
	 * @param holder this instance
	 * @param leaseTimeoutMillis the lease timeout
	 * @return the bind parameters
	 */
	public static Object[] acquireLeaseParameters(String subscription, int lane, String holder,
			long leaseTimeoutMillis) {
		return new Object[] { subscription, lane, holder, leaseTimeoutMillis, holder };
	}

	/**
	 * Return the statement that renews a lease this instance holds. Parameters: lease timeout
	 * in milliseconds, subscription, lane, holder, generation. Zero rows updated means the
	 * lease was lost.
	 * @return the statement
	 */
	public String renewLease() {
		return """
				UPDATE %1$s SET lease_until = clock_timestamp() + ? * interval '1 millisecond',
					last_held = clock_timestamp()
				WHERE subscription = ? AND lane = ? AND holder = ? AND generation = ?"""
			.formatted(qualified(SUBSCRIPTION_LEASE));
	}

	/**
	 * Return the statement that gives a lease up on a clean shutdown, so that another
	 * instance may take it at once. Parameters: subscription, lane, holder, generation.
	 * @return the statement
	 */
	public String releaseLease() {
		return """
				UPDATE %1$s SET holder = NULL, lease_until = NULL, last_held = clock_timestamp()
				WHERE subscription = ? AND lane = ? AND holder = ? AND generation = ?"""
			.formatted(qualified(SUBSCRIPTION_LEASE));
	}

	/**
	 * Return the query of a subscription's channel, to refuse registering an id for a second
	 * channel. Parameters: id, lane. Column: {@code channel}.
	 * @return the query
	 */
	public String subscriptionChannel() {
		return "SELECT channel FROM %1$s WHERE id = ? AND lane = ?".formatted(qualified(SUBSCRIPTION));
	}

	/**
	 * Return the statement that sends the wake-up of a channel's subscriptions, as a durable
	 * trigger does and as a holder does when it releases its lease. Parameters: the Pigeon
	 * channel.
	 * @return the query, of one (void) column
	 */
	public String wakeUp() {
		return "SELECT pg_notify('" + WAKE_UP_CHANNEL + "', ?)";
	}

	/**
	 * Return the statement that records an event a subscription gave up on; an event already
	 * there (redelivered after a crash, or redriven and failed again) is updated instead.
	 * Parameters: subscription, event id, channel, payload, exception class, exception message,
	 * stack trace, attempts, first attempt time, last attempt time (timestamps).
	 * @return the statement
	 */
	public String insertDeadLetter() {
		return """
				INSERT INTO %1$s (subscription, event_id, channel, payload, exception_class, exception_message,
					stack_trace, attempts, first_attempt_at, last_attempt_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (subscription, event_id) DO UPDATE SET exception_class = excluded.exception_class,
					exception_message = excluded.exception_message, stack_trace = excluded.stack_trace,
					attempts = %1$s.attempts + excluded.attempts, last_attempt_at = excluded.last_attempt_at,
					redrive_requested_at = NULL""".formatted(qualified(DEAD_LETTER));
	}

	/**
	 * Return the query of a subscription's dead letters whose redrive was requested (by
	 * setting {@code redrive_requested_at}), oldest event first. Parameters: subscription,
	 * limit. Columns: {@code id}, {@code event_id}, {@code payload}, {@code attempts}.
	 * @return the query
	 */
	public String redriveRequested() {
		return """
				SELECT id, event_id, payload, attempts FROM %1$s
				WHERE subscription = ? AND redrive_requested_at IS NOT NULL
				ORDER BY event_id LIMIT ?""".formatted(qualified(DEAD_LETTER));
	}

	/**
	 * Return the statement that removes a dead letter once its redrive succeeded. Parameters:
	 * the dead letter's id.
	 * @return the statement
	 */
	public String deleteDeadLetter() {
		return "DELETE FROM %1$s WHERE id = ?".formatted(qualified(DEAD_LETTER));
	}

}
