package io.pigeon.test;

import java.util.concurrent.atomic.AtomicLong;

import io.pigeon.PigeonAction;
import io.pigeon.internal.payload.ChangePayloadWriter;

/**
 * Builds notification payloads as Pigeon's triggers write them (the payload contract, through
 * {@link ChangePayloadWriter}), for tests that send notifications without triggers. Every payload
 * gets a transaction id of its own.
 */
public final class ChangePayloads {

	private static final String SCHEMA = "public";

	private static final AtomicLong txid = new AtomicLong(7000);

	private ChangePayloads() {
	}

	/**
	 * A row-level change.
	 * @param action {@code INSERT}, {@code UPDATE} or {@code DELETE}
	 * @param table the table, in schema {@code public}
	 * @param data the row's columns as a JSON object
	 * @param old the old row's columns as a JSON object, or {@code null}
	 * @return the payload
	 */
	public static String row(String action, String table, String data, String old) {
		return change(action, table).data(data).old(old).write();
	}

	/**
	 * A row-level change without old values.
	 * @param action {@code INSERT}, {@code UPDATE} or {@code DELETE}
	 * @param table the table, in schema {@code public}
	 * @param data the row's columns as a JSON object
	 * @return the payload
	 */
	public static String row(String action, String table, String data) {
		return row(action, table, data, null);
	}

	/**
	 * A statement-level change.
	 * @param action the action
	 * @param table the table, in schema {@code public}
	 * @param count the number of rows, or {@code null} when PostgreSQL cannot tell
	 * @return the payload
	 */
	public static String statement(String action, String table, Long count) {
		return change(action, table).count(count).write();
	}

	/**
	 * A reference to a payload stored in the overflow table: the head of the change built last
	 * (its transaction, seq 1), which the listener requires the stored payload to match.
	 * @param action the action
	 * @param table the table, in schema {@code public}
	 * @param id the overflow row's id
	 * @return the payload
	 */
	public static String overflow(String action, String table, long id) {
		return ChangePayloadWriter.change(PigeonAction.valueOf(action), SCHEMA, table).txid(txid.get())
			.overflow(id)
			.write();
	}

	private static ChangePayloadWriter change(String action, String table) {
		return ChangePayloadWriter.change(PigeonAction.valueOf(action), SCHEMA, table).txid(txid.incrementAndGet());
	}

}
