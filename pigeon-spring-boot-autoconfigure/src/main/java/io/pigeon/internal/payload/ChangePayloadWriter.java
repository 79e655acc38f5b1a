package io.pigeon.internal.payload;

import java.time.Instant;

import io.pigeon.PigeonAction;
import org.jspecify.annotations.Nullable;

/**
 * Writes a change payload in Java exactly as Pigeon's triggers write it, keys in the
 * {@link PayloadContract}'s order: for tests that send notifications without triggers, and for
 * delivering synthetic changes. Row values are given as JSON text.
 * <p>
 * Internal: not an API.
 */
public final class ChangePayloadWriter {

	private final PigeonAction action;

	private final String schema;

	private final String table;

	private long txid = 1;

	private long seq = 1;

	private long ts = micros(Instant.now());

	private @Nullable String data;

	private @Nullable String old;

	private @Nullable Long count;

	private @Nullable Long overflow;

	private ChangePayloadWriter(PigeonAction action, String schema, String table) {
		this.action = action;
		this.schema = schema;
		this.table = table;
	}

	/**
	 * Start a payload.
	 * @param action the change's action
	 * @param schema the configured table's schema
	 * @param table the configured table
	 * @return a writer for the payload
	 */
	public static ChangePayloadWriter change(PigeonAction action, String schema, String table) {
		return new ChangePayloadWriter(action, schema, table);
	}

	/**
	 * Set {@link PayloadContract#TXID} (default 1).
	 * @param txid the transaction id
	 * @return this writer
	 */
	public ChangePayloadWriter txid(long txid) {
		this.txid = txid;
		return this;
	}

	/**
	 * Set {@link PayloadContract#SEQ} (default 1).
	 * @param seq the position in the transaction
	 * @return this writer
	 */
	public ChangePayloadWriter seq(long seq) {
		this.seq = seq;
		return this;
	}

	/**
	 * Set {@link PayloadContract#TS} (default: now).
	 * @param time when the change happened
	 * @return this writer
	 */
	public ChangePayloadWriter ts(Instant time) {
		this.ts = micros(time);
		return this;
	}

	/**
	 * Set {@link PayloadContract#DATA}.
	 * @param json the row as a JSON object, or {@code null} for none
	 * @return this writer
	 */
	public ChangePayloadWriter data(@Nullable String json) {
		this.data = json;
		return this;
	}

	/**
	 * Set {@link PayloadContract#OLD}.
	 * @param json the old row as a JSON object, or {@code null} for none
	 * @return this writer
	 */
	public ChangePayloadWriter old(@Nullable String json) {
		this.old = json;
		return this;
	}

	/**
	 * Set {@link PayloadContract#COUNT}.
	 * @param count the number of rows, or {@code null} for none
	 * @return this writer
	 */
	public ChangePayloadWriter count(@Nullable Long count) {
		this.count = count;
		return this;
	}

	/**
	 * Make the payload an {@link PayloadContract#OVERFLOW} reference.
	 * @param id the stored payload's id
	 * @return this writer
	 */
	public ChangePayloadWriter overflow(long id) {
		this.overflow = id;
		return this;
	}

	/**
	 * Write the payload.
	 * @return the JSON text
	 */
	public String write() {
		StringBuilder json = new StringBuilder(128).append('{');
		member(json, PayloadContract.ACTION, JsonStrings.quote(this.action.name()));
		member(json, PayloadContract.SCHEMA, JsonStrings.quote(this.schema));
		member(json, PayloadContract.TABLE, JsonStrings.quote(this.table));
		member(json, PayloadContract.TXID, Long.toString(this.txid));
		member(json, PayloadContract.SEQ, Long.toString(this.seq));
		member(json, PayloadContract.TS, Long.toString(this.ts));
		if (this.overflow != null) {
			member(json, PayloadContract.OVERFLOW, Long.toString(this.overflow));
			return json.append('}').toString();
		}
		if (this.data != null) {
			member(json, PayloadContract.DATA, this.data);
		}
		if (this.old != null) {
			member(json, PayloadContract.OLD, this.old);
		}
		if (this.count != null) {
			member(json, PayloadContract.COUNT, Long.toString(this.count));
		}
		return json.append('}').toString();
	}

	private static void member(StringBuilder json, String key, String value) {
		if (json.length() > 1) {
			json.append(',');
		}
		json.append(JsonStrings.quote(key)).append(':').append(value);
	}

	private static long micros(Instant time) {
		return time.getEpochSecond() * 1_000_000L + time.getNano() / 1_000;
	}

}
