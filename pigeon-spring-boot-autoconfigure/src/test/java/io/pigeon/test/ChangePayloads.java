package io.pigeon.test;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds notification payloads as Pigeon's triggers write them (the payload contract), for tests
 * that send notifications without triggers.
 */
public final class ChangePayloads {

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
		String oldMember = (old != null) ? ",\"old\":" + old : "";
		return envelope(action, table) + ",\"data\":" + data + oldMember + "}";
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
		return envelope(action, table) + ((count != null) ? ",\"count\":" + count : "") + "}";
	}

	/**
	 * A reference to a payload stored in the overflow table.
	 * @param action the action
	 * @param table the table, in schema {@code public}
	 * @param id the overflow row's id
	 * @return the payload
	 */
	public static String overflow(String action, String table, long id) {
		return envelope(action, table) + ",\"overflow\":" + id + "}";
	}

	private static String envelope(String action, String table) {
		Instant now = Instant.now();
		long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
		return "{\"action\":\"" + action + "\",\"schema\":\"public\",\"table\":\"" + table + "\",\"txid\":"
				+ txid.incrementAndGet() + ",\"seq\":1,\"ts\":" + micros;
	}

}
