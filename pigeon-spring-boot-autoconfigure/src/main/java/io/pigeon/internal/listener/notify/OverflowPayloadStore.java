package io.pigeon.internal.listener.notify;

import java.time.Duration;
import java.util.List;

import io.pigeon.internal.listener.NotificationParser.StoredPayload;
import io.pigeon.internal.sql.SqlIdentifiers;
import io.pigeon.internal.sql.TriggerSqlGenerator;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcOperations;

/**
 * Reads and expires the payloads that were too large for a notification, which Pigeon's triggers
 * store in {@code "<pigeon schema>"."pigeon_overflow"}. Uses the application's pool: these are
 * short queries, never run on the listener connection.
 *
 * @since 0.1.0
 */
public class OverflowPayloadStore {

	private final JdbcOperations jdbc;

	private final @Nullable String schema;

	private volatile @Nullable String qualifiedTable;

	/**
	 * Create a new store.
	 * @param jdbc access to the application's database
	 * @param schema Pigeon's schema ({@code pigeon.install.schema}), or {@code null} for the
	 * connection's current schema
	 */
	public OverflowPayloadStore(JdbcOperations jdbc, @Nullable String schema) {
		this.jdbc = jdbc;
		this.schema = schema;
	}

	/**
	 * Return a stored payload.
	 * @param id the overflow reference's id
	 * @return the full payload with the channel the trigger stored it for
	 * @throws OverflowPayloadMissingException if no payload has that id
	 */
	public StoredPayload load(long id) {
		String table = qualifiedTable();
		List<StoredPayload> stored = this.jdbc.query("SELECT channel, payload FROM " + table + " WHERE id = ?",
				(row, number) -> new StoredPayload(row.getString(1), row.getString(2)), id);
		if (stored.isEmpty()) {
			throw new OverflowPayloadMissingException(table, id);
		}
		return stored.get(0);
	}

	/**
	 * Delete the payloads first seen committed longer ago than the retention, when the table
	 * exists. A row's {@code first_seen} is stamped by the first clean-up that can see it, that is
	 * once its transaction has committed and its notification can be read: a transaction held open
	 * longer than the retention, or payloads nobody cleaned up for a day, still get the whole
	 * retention from then on.
	 * @param retention how long payloads are kept once committed
	 * @return the number of payloads deleted
	 */
	public int deleteExpired(Duration retention) {
		String table = qualifiedTable();
		List<Boolean> ready = this.jdbc.queryForList("SELECT EXISTS (SELECT FROM pg_catalog.pg_attribute "
				+ "WHERE attrelid = to_regclass(?) AND attname = 'first_seen' AND NOT attisdropped)", Boolean.class,
				table);
		if (ready.isEmpty() || !Boolean.TRUE.equals(ready.get(0))) {
			// No table, or one from before first_seen: the next installation adds the column.
			return 0;
		}
		this.jdbc.update("UPDATE " + table + " SET first_seen = clock_timestamp() WHERE first_seen IS NULL");
		return this.jdbc.update(
				"DELETE FROM " + table + " WHERE first_seen < clock_timestamp() - make_interval(secs => ?)",
				retention.toNanos() / 1e9);
	}

	private String qualifiedTable() {
		String table = this.qualifiedTable;
		if (table == null) {
			String schema = (this.schema != null) ? this.schema : currentSchema();
			table = SqlIdentifiers.quote(schema) + "." + SqlIdentifiers.quote(TriggerSqlGenerator.OVERFLOW_TABLE);
			this.qualifiedTable = table;
		}
		return table;
	}

	private String currentSchema() {
		String schema = this.jdbc.queryForObject("SELECT current_schema()", String.class);
		if (schema == null) {
			throw new IllegalStateException("Pigeon cannot find its overflow table: the connection has no current "
					+ "schema (empty search_path). Set pigeon.install.schema.");
		}
		return schema;
	}

	/**
	 * Thrown when an overflow reference names a payload that is not stored (any more).
	 */
	public static final class OverflowPayloadMissingException extends IllegalStateException {

		OverflowPayloadMissingException(String table, long id) {
			super("Overflow payload " + id + " is not in " + table + ": it was deleted (older than "
					+ "pigeon.listener.overflow-retention?) or the listener reads another schema than the "
					+ "triggers write (pigeon.install.schema)");
		}

	}

}
