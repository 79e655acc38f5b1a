package io.pigeon.internal.payload;

import io.pigeon.PigeonAction;
import org.jspecify.annotations.Nullable;

/**
 * The keys of a change payload and the rules of when each appears; the README's "Payload format"
 * documents the same contract for users.
 * <p>
 * Every payload is one JSON object whose head is {@link #ACTION}, {@link #SCHEMA},
 * {@link #TABLE}, {@link #TXID}, {@link #SEQ} and {@link #TS}, in that order. Then:
 * <ul>
 * <li>a row-level change carries {@link #DATA} (the new row, or the old row of a DELETE) and,
 * on an UPDATE with {@code include-old}, {@link #OLD};</li>
 * <li>a statement-level change carries {@link #COUNT} where PostgreSQL can count the rows
 * (see {@link #carriesCount});</li>
 * <li>a row-level payload of {@link #NOTIFY_PAYLOAD_LIMIT} bytes or more is sent as its head
 * and {@link #OVERFLOW}, the id under which the full payload is stored, instead.</li>
 * <li>a row-level UPDATE with {@code include-changed} carries {@link #CHANGED};</li>
 * <li>a trigger with {@code context} carries {@link #CONTEXT}, last;</li>
 * <li>a statement-level change with {@code include-rows} carries {@link #COUNT},
 * {@link #PART}, {@link #PARTS} and {@link #ROWS}: one notification per part, each under the
 * limit (a part holding a single row too large for it overflows as a row payload does).</li>
 * </ul>
 * The order of the keys after the head is fixed: {@code data}, {@code old}, {@code changed},
 * then {@code context} for rows; {@code count}, {@code part}, {@code parts}, {@code rows}, then
 * {@code context} for statements.
 * Internal: not an API.
 */
public final class PayloadContract {

	/**
	 * {@code "action"}: {@code INSERT}, {@code UPDATE}, {@code DELETE} or {@code TRUNCATE}, as
	 * {@link PigeonAction} spells them.
	 */
	public static final String ACTION = "action";

	/**
	 * {@code "schema"}: the configured table's schema.
	 */
	public static final String SCHEMA = "schema";

	/**
	 * {@code "table"}: the configured table's name (also when the row lives in a partition).
	 */
	public static final String TABLE = "table";

	/**
	 * {@code "txid"}: the writing transaction's id.
	 */
	public static final String TXID = "txid";

	/**
	 * {@code "seq"}: the payload's position among the writing transaction's payloads, from 1.
	 */
	public static final String SEQ = "seq";

	/**
	 * {@code "ts"}: when the trigger ran, in microseconds since the Unix epoch.
	 */
	public static final String TS = "ts";

	/**
	 * {@code "data"}: the row's configured columns, row level only.
	 */
	public static final String DATA = "data";

	/**
	 * {@code "old"}: the old row's configured columns, on a row-level UPDATE with
	 * {@code include-old}.
	 */
	public static final String OLD = "old";

	/**
	 * {@code "count"}: the rows a statement touched, statement level where PostgreSQL can tell.
	 */
	public static final String COUNT = "count";

	/**
	 * {@code "id"}: the event's id in Pigeon's change log, durable delivery only: unique and
	 * stable, the key to make a listener idempotent. It follows {@link #TS} in the head.
	 */
	public static final String ID = "id";

	/**
	 * {@code "overflow"}: the id of the stored full payload, instead of {@code data} and
	 * {@code old}.
	 */
	public static final String OVERFLOW = "overflow";

	/**
	 * {@code "changed"}: the names of the payload's columns whose values differ between the old
	 * and the new row of an UPDATE, in table order, with {@code include-changed}. Values are
	 * compared as {@code jsonb}: {@code json} and {@code jsonb} by value, {@code numeric} by
	 * value ({@code 1.0} equals {@code 1.00}), every other type by its JSON form.
	 */
	public static final String CHANGED = "changed";

	/**
	 * {@code "context"}: an object of the configured keys, each with the text of its custom
	 * setting when the trigger ran, or {@code null} when unset or empty.
	 */
	public static final String CONTEXT = "context";

	/**
	 * {@code "rows"}: the configured columns of every row a statement touched (the new rows,
	 * or the old ones of a DELETE), one part of them per notification, with
	 * {@code include-rows}.
	 */
	public static final String ROWS = "rows";

	/**
	 * {@code "part"}: the part's number, from 1, of a statement payload with rows.
	 */
	public static final String PART = "part";

	/**
	 * {@code "parts"}: how many parts the statement's rows were split into; every part of one
	 * statement has the same {@code txid} and {@code seq}.
	 */
	public static final String PARTS = "parts";

	/**
	 * The custom setting that silences every Pigeon trigger for the transaction that sets it to
	 * {@code on} with {@code SET LOCAL} or {@code set_config(..., true)}.
	 */
	public static final String SILENCE_SETTING = "pigeon.silence";

	/**
	 * PostgreSQL refuses a NOTIFY payload of 8000 bytes or more ({@code NOTIFY_PAYLOAD_MAX_LENGTH}
	 * with the default 8 kB block size), counted in the server encoding, which is what
	 * {@code octet_length} counts too; a payload that long is sent as an {@link #OVERFLOW}
	 * reference.
	 */
	public static final int NOTIFY_PAYLOAD_LIMIT = 8000;

	private PayloadContract() {
	}

	/**
	 * Return whether a change carries {@link #DATA}: row-level changes do, statement-level ones
	 * never.
	 * @param rowLevel whether the trigger fires per row
	 * @return whether {@code data} appears
	 */
	public static boolean carriesData(boolean rowLevel) {
		return rowLevel;
	}

	/**
	 * Return whether a change carries {@link #OLD}: a row-level UPDATE of a trigger with
	 * {@code include-old}.
	 * @param rowLevel whether the trigger fires per row
	 * @param action the change's action
	 * @param includeOld whether the trigger is configured with {@code include-old}
	 * @return whether {@code old} appears
	 */
	public static boolean carriesOld(boolean rowLevel, PigeonAction action, boolean includeOld) {
		return rowLevel && includeOld && action == PigeonAction.UPDATE;
	}

	/**
	 * Return whether a change carries {@link #CHANGED}: a row-level UPDATE of a trigger with
	 * {@code include-changed}.
	 * @param rowLevel whether the trigger fires per row
	 * @param action the change's action
	 * @param includeChanged whether the trigger is configured with {@code include-changed}
	 * @return whether {@code changed} appears
	 */
	public static boolean carriesChanged(boolean rowLevel, PigeonAction action, boolean includeChanged) {
		return rowLevel && includeChanged && action == PigeonAction.UPDATE;
	}

	/**
	 * Return whether a statement-level change carries {@link #ROWS} (with {@link #PART} and
	 * {@link #PARTS}): one with {@code include-rows}, which needs the transition table that
	 * {@link #carriesCount} describes.
	 * @param rowLevel whether the trigger fires per row
	 * @param includeRows whether the trigger is configured with {@code include-rows}
	 * @return whether {@code rows} appears
	 */
	public static boolean carriesRows(boolean rowLevel, boolean includeRows) {
		return !rowLevel && includeRows;
	}

	/**
	 * Return whether a statement-level change carries {@link #COUNT}: only an AFTER statement
	 * trigger on exactly one of INSERT, UPDATE or DELETE without {@code update-of} can have the
	 * transition table that counts the rows.
	 * @param rowLevel whether the trigger fires per row
	 * @param after whether the trigger fires AFTER the statement
	 * @param onlyAction the trigger's one event, or {@code null} when it has several
	 * @param updateOf whether the trigger has {@code update-of} columns
	 * @return whether {@code count} appears
	 */
	public static boolean carriesCount(boolean rowLevel, boolean after, @Nullable PigeonAction onlyAction,
			boolean updateOf) {
		return !rowLevel && after && onlyAction != null && onlyAction != PigeonAction.TRUNCATE && !updateOf;
	}

}
