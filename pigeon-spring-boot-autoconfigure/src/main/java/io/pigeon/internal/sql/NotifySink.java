package io.pigeon.internal.sql;

import io.pigeon.internal.payload.JsonStrings;
import io.pigeon.internal.payload.PayloadContract;

/**
 * Hands payloads on with {@code pg_notify} on the trigger's channel. A row payload of
 * {@link PayloadContract#NOTIFY_PAYLOAD_LIMIT} bytes or more, the one error {@code pg_notify}
 * raises for its data, is stored in the overflow table instead (through the function
 * {@link TriggerSqlGenerator#createSupportObjects()} creates) and notified as its head with
 * the {@link PayloadContract#OVERFLOW} id; the channel is stored with it, so that the listener
 * resolves a reference only on the channel it was meant for. A statement payload holds no row
 * data and names of at most {@value SqlIdentifiers#MAX_NAME_BYTES} bytes, far below the limit,
 * so it needs no
 * such check.
 *
 * @since 0.1.0
 */
public final class NotifySink implements PayloadSink {

	private final String overflowStore;

	/**
	 * Create a sink whose overflowing payloads go to the overflow table in Pigeon's schema.
	 * @param pigeonSchema the schema of Pigeon's overflow table ({@code pigeon.install.schema})
	 */
	public NotifySink(String pigeonSchema) {
		this.overflowStore = SqlIdentifiers.qualified(pigeonSchema, TriggerSqlGenerator.OVERFLOW_STORE_FUNCTION);
	}

	@Override
	public String handOnRow(TriggerDefinition definition) {
		return "\tIF octet_length(payload) >= " + PayloadContract.NOTIFY_PAYLOAD_LIMIT + " THEN\n"
				+ "\t\tpayload := head || " + SqlIdentifiers.literal("," + JsonStrings.quote(PayloadContract.OVERFLOW)
						+ ":")
				+ " || " + this.overflowStore + "(" + SqlIdentifiers.literal(definition.channel())
				+ ", payload) || '}';\n" + "\tEND IF;\n" + notify(definition, "payload");
	}

	@Override
	public String handOnStatement(TriggerDefinition definition, String payload) {
		return notify(definition, payload);
	}

	private static String notify(TriggerDefinition definition, String payload) {
		return "\tPERFORM pg_notify(" + SqlIdentifiers.literal(definition.channel()) + ", " + payload + ");\n";
	}

}
