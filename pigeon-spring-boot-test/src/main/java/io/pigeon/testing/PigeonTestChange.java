package io.pigeon.testing;

import java.time.Instant;

import io.pigeon.PigeonAction;
import io.pigeon.internal.payload.ChangePayloadWriter;
import io.pigeon.internal.payload.PayloadContract;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * A synthetic change, started by {@link PigeonTestChanges}, that {@link PigeonEvents#deliver}
 * delivers to the listener methods of its channel. Its payload is written exactly as Pigeon's
 * triggers write theirs, rows given as any value the application's {@code JsonMapper} writes
 * (a record, a bean, a {@code Map}, a {@code JsonNode}) or as JSON text.
 *
 * @since 0.1.0
 */
public final class PigeonTestChange {

	private final String channel;

	private final PigeonAction action;

	private String schema = "public";

	private String table;

	private @Nullable Row data;

	private @Nullable Row old;

	private @Nullable Long count;

	private @Nullable Instant timestamp;

	PigeonTestChange(String channel, PigeonAction action) {
		this.channel = channel;
		this.action = action;
		this.table = channel;
	}

	/**
	 * Set the configured table's schema (default {@code public}).
	 * @param schema the schema
	 * @return this change
	 */
	public PigeonTestChange schema(String schema) {
		this.schema = schema;
		return this;
	}

	/**
	 * Set the configured table's name (default: the channel's name).
	 * @param table the table
	 * @return this change
	 */
	public PigeonTestChange table(String table) {
		this.table = table;
		return this;
	}

	/**
	 * Set the row: the new row, or the deleted row of a delete.
	 * @param row the row's columns, written as JSON by the application's {@code JsonMapper}
	 * @return this change
	 */
	public PigeonTestChange data(Object row) {
		this.data = new Row(row, false);
		return this;
	}

	/**
	 * Set the row as JSON text.
	 * @param json a JSON object of the row's columns
	 * @return this change
	 */
	public PigeonTestChange dataJson(String json) {
		this.data = new Row(json, true);
		return this;
	}

	/**
	 * Set the old row of an update, as a trigger with {@code include-old} sends it.
	 * @param row the old row's columns, written as JSON by the application's {@code JsonMapper}
	 * @return this change
	 */
	public PigeonTestChange old(Object row) {
		this.old = new Row(row, false);
		return this;
	}

	/**
	 * Set the old row of an update as JSON text.
	 * @param json a JSON object of the old row's columns
	 * @return this change
	 */
	public PigeonTestChange oldJson(String json) {
		this.old = new Row(json, true);
		return this;
	}

	/**
	 * Set the number of rows of a statement-level change.
	 * @param count the count
	 * @return this change
	 */
	public PigeonTestChange count(long count) {
		this.count = count;
		return this;
	}

	/**
	 * Set when the change happened (default: when it is delivered).
	 * @param timestamp the time
	 * @return this change
	 */
	public PigeonTestChange timestamp(Instant timestamp) {
		this.timestamp = timestamp;
		return this;
	}

	/**
	 * Return the channel it is delivered on.
	 * @return the channel
	 */
	public String channel() {
		return this.channel;
	}

	/**
	 * Return its action.
	 * @return the action
	 */
	public PigeonAction action() {
		return this.action;
	}

	/**
	 * Write the payload by Pigeon's payload contract.
	 * @param jsonMapper writes the rows given as values
	 * @return the payload
	 */
	String payload(JsonMapper jsonMapper) {
		validate();
		ChangePayloadWriter writer = ChangePayloadWriter.change(this.action, this.schema, this.table)
			.data(json(this.data, jsonMapper))
			.old(json(this.old, jsonMapper))
			.count(this.count);
		if (this.timestamp != null) {
			writer.ts(this.timestamp);
		}
		return writer.write();
	}

	// The payload contract's rules, so that a test cannot deliver a change no trigger would send.
	private void validate() {
		boolean rowLevel = this.data != null || this.old != null;
		if (rowLevel && this.count != null) {
			throw new IllegalStateException("A synthetic " + this.action + " on channel '" + this.channel
					+ "' has rows and a count: a row-level change carries data, a statement-level one a count; "
					+ "set one of them");
		}
		if (rowLevel && this.action == PigeonAction.TRUNCATE) {
			throw new IllegalStateException("A synthetic TRUNCATE on channel '" + this.channel + "' has rows: "
					+ "a TRUNCATE is statement level only and carries none; remove data(…) and old(…)");
		}
		if (this.old != null && !PayloadContract.carriesOld(true, this.action, true)) {
			throw new IllegalStateException("A synthetic " + this.action + " on channel '" + this.channel
					+ "' has an old row: only an UPDATE carries one; remove old(…)");
		}
		if (this.old != null && this.data == null) {
			throw new IllegalStateException("A synthetic UPDATE on channel '" + this.channel + "' has an old row "
					+ "but no data: an update carries the new row too; add data(…)");
		}
	}

	private static @Nullable String json(@Nullable Row row, JsonMapper jsonMapper) {
		if (row == null) {
			return null;
		}
		return row.isJson() ? (String) row.value() : jsonMapper.writeValueAsString(row.value());
	}

	/**
	 * A row as given: a value to write, or JSON text.
	 */
	private record Row(Object value, boolean isJson) {

	}

}
