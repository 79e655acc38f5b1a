package io.pigeon.internal.durable;

import java.sql.Timestamp;
import java.util.List;

import org.springframework.jdbc.core.JdbcOperations;

/**
 * Reads a channel's events from the log page by page, from a {@link LogPosition} (see
 * {@link DurableLogSql} for why this order of statements never skips an event).
 * <p>
 * Internal: not an API.
 */
public final class LogReader {

	private final JdbcOperations jdbc;

	private final DurableLogSql sql;

	/**
	 * Create a reader.
	 * @param jdbc access to Pigeon's database, in auto-commit (each statement its own snapshot)
	 * @param sql the log's SQL
	 */
	public LogReader(JdbcOperations jdbc, DurableLogSql sql) {
		this.jdbc = jdbc;
		this.sql = sql;
	}

	/**
	 * Return the position at the end of the log: everything committed so far counts as
	 * processed.
	 * @return the position
	 */
	public LogPosition end() {
		long lowerId = lastEventId();
		return LogPosition.at(snapshotAfter(), lowerId);
	}

	/**
	 * Read the next page of a channel's events.
	 * @param channel the channel
	 * @param position where the subscription stands
	 * @param limit the largest number of events to return
	 * @return the events and the position after processing all of them
	 */
	public Page read(String channel, LogPosition position, int limit) {
		return read(channel, position, limit, 0, 1);
	}

	/**
	 * Read the next page of one lane of a channel's events.
	 * @param channel the channel
	 * @param position where the lane stands
	 * @param limit the largest number of events to return
	 * @param lane the lane, from 0
	 * @param lanes the number of lanes; 1 reads every event
	 * @return the events and the position after processing all of them
	 */
	public Page read(String channel, LogPosition position, int limit, int lane, int lanes) {
		LogPosition from = position;
		if (!from.inBatch()) {
			long lowerId = lastEventId();
			from = from.openBatch(snapshotAfter(), lowerId);
		}
		List<LogEvent> events = this.jdbc.query((lanes > 1) ? this.sql.lanePage() : this.sql.page(),
				(rs, row) -> new LogEvent(rs.getLong("id"), rs.getString("txid"),
						rs.getObject("created_at", Timestamp.class).toInstant(), rs.getString("payload")),
				(lanes > 1) ? DurableLogSql.pageParameters(channel, from, limit, lane, lanes)
						: DurableLogSql.pageParameters(channel, from, limit));
		LogPosition after = (events.size() < limit) ? from.closeBatch()
				: from.processedUpTo(events.get(events.size() - 1).id());
		return new Page(events, from, after);
	}

	private long lastEventId() {
		Long id = this.jdbc.queryForObject(this.sql.lastEventId(), Long.class);
		return (id != null) ? id : 0;
	}

	/**
	 * Take the snapshot that goes with an {@code L} just read. A snapshot's {@code xmax} is one
	 * past the newest <em>completed</em> transaction, so a transaction that got its id before
	 * {@code L} was read can be running at the snapshot without being in its in-progress list:
	 * it is above {@code xmax}, like the transactions that start later. Committing a
	 * transaction id of our own in between (one statement in auto-commit) puts {@code xmax}
	 * above every transaction id assigned before {@code L} was read, so every transaction at or
	 * above {@code xmax} got its id, and its events theirs, after {@code L}. It costs one
	 * transaction id per batch.
	 */
	private String snapshotAfter() {
		this.jdbc.queryForObject(this.sql.completeTransactionId(), String.class);
		return currentSnapshot();
	}

	private String currentSnapshot() {
		String snapshot = this.jdbc.queryForObject(this.sql.currentSnapshot(), String.class);
		if (snapshot == null) {
			throw new IllegalStateException("PostgreSQL returned no snapshot");
		}
		return snapshot;
	}

	/**
	 * One page of events.
	 *
	 * @param events the events, in the order they must be processed
	 * @param from the position the page was read from, with its batch open: the position to
	 * store when none of the page's events has been processed
	 * @param after the position once every event of the page has been processed
	 */
	public record Page(List<LogEvent> events, LogPosition from, LogPosition after) {

		/**
		 * Return the position once the page's events up to one of them have been processed.
		 * @param index the index of the last processed event
		 * @return the position
		 */
		public LogPosition afterEvent(int index) {
			if (index == this.events.size() - 1) {
				return this.after;
			}
			return this.from.processedUpTo(this.events.get(index).id());
		}

	}

}
