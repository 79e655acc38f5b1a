package io.pigeon.internal.sql;

import java.util.List;

import io.pigeon.internal.durable.DurableLogSql;
import org.jspecify.annotations.Nullable;

/**
 * Hands payloads on by appending them to Pigeon's change log ({@link DurableLogSql#LOG}) in the
 * writer's transaction, and optionally wakes subscriptions with a NOTIFY on
 * {@link DurableLogSql#WAKE_UP_CHANNEL} whose payload is the trigger's channel. The log holds
 * payloads of any size, so there is no overflow. Each event's id comes from
 * {@link DurableLogSql#EVENT_ID_SEQUENCE} after its transaction's id was taken
 * ({@code pg_current_xact_id()}, in the function's {@code DECLARE} section): the log's positions
 * depend on that order.
 * <p>
 * The statements use the variables the durable bodies of {@link TriggerSqlGenerator} declare:
 * {@value #TRANSACTION} (the transaction's {@code xid8}), and for a single event
 * {@value #EVENT_ID} (its id).
 *
 * @since 0.2.0
 */
public final class DurableSink implements PayloadSink {

	/** The variable holding the writing transaction's id, as {@code xid8}. */
	static final String TRANSACTION = "pigeon_tx";

	/** The variable holding a single event's id. */
	static final String EVENT_ID = "pigeon_event_id";

	private static final String COLUMNS = "(slot, id, txid, channel, created_at, payload)";

	private static final String KEYED_COLUMNS = "(slot, id, txid, channel, created_at, payload, lane_key)";

	private final DurableLogSql log;

	private final boolean wakeUp;

	/**
	 * Create a sink writing to the log in Pigeon's schema.
	 * @param pigeonSchema the schema of Pigeon's log ({@code pigeon.install.schema})
	 * @param wakeUp whether to send the wake-up NOTIFY ({@code pigeon.durable.wake-up=notify})
	 */
	public DurableSink(String pigeonSchema, boolean wakeUp) {
		this.log = new DurableLogSql(pigeonSchema);
		this.wakeUp = wakeUp;
	}

	/**
	 * Return whether the sink sends the wake-up NOTIFY.
	 * @return whether subscriptions are woken by NOTIFY
	 */
	public boolean wakeUp() {
		return this.wakeUp;
	}

	@Override
	public String handOnRow(TriggerDefinition definition) {
		List<String> key = definition.options().laneKey();
		String laneKey = key.isEmpty() ? null
				: "CASE WHEN TG_OP = 'DELETE' THEN " + laneKey("OLD", key) + " ELSE " + laneKey("NEW", key) + " END";
		return insertOne(definition, "payload", laneKey) + wakeUp(definition, "\t");
	}

	@Override
	public String handOnStatement(TriggerDefinition definition, String payload) {
		return insertOne(definition, payload, null) + wakeUp(definition, "\t");
	}

	/**
	 * Return the expression of a row's lane key: a 64-bit hash of the key columns' values as
	 * one row's text, so that every change of one key lands in the same lane.
	 * @param row the row variable or alias ({@code NEW}, {@code OLD}, {@code r})
	 * @param key the key columns
	 * @return the {@code bigint} expression
	 */
	static String laneKey(String row, List<String> key) {
		StringBuilder values = new StringBuilder();
		for (String column : key) {
			values.append((values.length() > 0) ? ", " : "").append(row).append('.').append(SqlIdentifiers.quote(column));
		}
		return "hashtextextended(ROW(" + values + ")::text, 0)";
	}

	/**
	 * Return the declaration of the event id variable, to follow the transaction's.
	 * @return the declaration, without indentation or line break
	 */
	String eventIdDeclaration() {
		return EVENT_ID + " bigint := " + nextId() + ";";
	}

	/**
	 * Return the declaration of the transaction id variable, which must come before any event
	 * id is allocated.
	 * @return the declaration, without indentation or line break
	 */
	static String transactionDeclaration() {
		return TRANSACTION + " xid8 := pg_current_xact_id();";
	}

	/**
	 * Return the expression allocating an event id.
	 * @return {@code nextval} of the event id sequence
	 */
	String nextId() {
		return "nextval(" + SqlIdentifiers.literal(this.log.qualified(DurableLogSql.EVENT_ID_SEQUENCE)) + ")";
	}

	/**
	 * Return one {@code INSERT ... SELECT} appending a set of events.
	 * @param definition the trigger
	 * @param indent the indentation of the statement's lines
	 * @param id the expression of each event's id, in terms of {@code from}
	 * @param payload the expression of each event's payload, in terms of {@code from}
	 * @param from the {@code FROM} clause's content giving one row per event
	 * @return the statement, ended by a line break
	 */
	String insertSelect(TriggerDefinition definition, String indent, String id, String payload,
			@Nullable String laneKey, String from) {
		return indent + "INSERT INTO " + this.log.qualified(DurableLogSql.LOG) + " "
				+ ((laneKey != null) ? KEYED_COLUMNS : COLUMNS) + "\n" + indent + "SELECT "
				+ this.log.currentSlotExpression() + ", " + id + ", " + TRANSACTION + ", "
				+ SqlIdentifiers.literal(definition.channel()) + ", clock_timestamp(),\n" + indent + "\t" + payload
				+ ((laneKey != null) ? ", " + laneKey : "") + "\n" + indent + "FROM " + from + ";\n";
	}

	/**
	 * Return the wake-up NOTIFY, or nothing with {@code wake-up: poll}. PostgreSQL delivers one
	 * of several identical notifications of a transaction, so its subscribers wake once per
	 * transaction and channel.
	 * @param definition the trigger
	 * @param indent the indentation
	 * @return the statement, ended by a line break, or an empty string
	 */
	String wakeUp(TriggerDefinition definition, String indent) {
		if (!this.wakeUp) {
			return "";
		}
		return indent + "PERFORM pg_notify(" + SqlIdentifiers.literal(DurableLogSql.WAKE_UP_CHANNEL) + ", "
				+ SqlIdentifiers.literal(definition.channel()) + ");\n";
	}

	private String insertOne(TriggerDefinition definition, String payload, @Nullable String laneKey) {
		return "\tINSERT INTO " + this.log.qualified(DurableLogSql.LOG) + " "
				+ ((laneKey != null) ? KEYED_COLUMNS : COLUMNS) + "\n\tVALUES (" + this.log.currentSlotExpression()
				+ ", " + EVENT_ID + ", " + TRANSACTION + ", " + SqlIdentifiers.literal(definition.channel())
				+ ", clock_timestamp(),\n\t\t" + payload + ((laneKey != null) ? ",\n\t\t" + laneKey : "") + ");\n";
	}

}
