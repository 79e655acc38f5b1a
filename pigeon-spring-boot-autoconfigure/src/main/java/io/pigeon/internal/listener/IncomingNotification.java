package io.pigeon.internal.listener;

import java.util.List;
import java.util.Map;

import io.pigeon.PigeonAction;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;

/**
 * A notification as its channel's dispatcher hands it to listener methods: the payload in full
 * (an overflow reference already resolved) with the head members of Pigeon's payload contract
 * read from it, and {@code data} and {@code old} bound to the row types of the channel's methods
 * where the parser could bind them in advance.
 *
 * @param channel the channel it arrived on
 * @param payload the payload text
 * @param action the change's {@code action}, or {@code null} when absent or unknown (also when
 * the payload is not a JSON object)
 * @param schema the change's {@code schema}, or {@code null}
 * @param table the change's {@code table}, or {@code null}
 * @param count the statement-level {@code count}, or {@code null}
 * @param overflowId the {@code overflow} reference, or {@code null}
 * @param timestamp the change's {@code ts} in microseconds since the epoch, or {@code null}
 * @param envelopes the rows bound in advance, by the type they are bound to; a type that is
 * missing is bound from {@link #payload} by the method that takes it
 * @param changed the {@code changed} columns of an update, or {@code null}
 * @param context the {@code context} settings, or {@code null}
 * @param part the {@code part} number of a statement payload with rows, or {@code null}
 * @param parts the {@code parts} of a statement payload with rows, or {@code null}
 */
public record IncomingNotification(String channel, String payload, @Nullable PigeonAction action, @Nullable String schema,
		@Nullable String table, @Nullable Long count, @Nullable Long overflowId, @Nullable Long timestamp,
		Map<JavaType, ChangeEnvelope<?>> envelopes, @Nullable List<String> changed,
		@Nullable Map<String, @Nullable String> context, @Nullable Long part, @Nullable Long parts) {

	/**
	 * Create a notification without the keys of the trigger options.
	 * @param channel the channel it arrived on
	 * @param payload the payload text
	 * @param action the change's {@code action}, or {@code null}
	 * @param schema the change's {@code schema}, or {@code null}
	 * @param table the change's {@code table}, or {@code null}
	 * @param count the statement-level {@code count}, or {@code null}
	 * @param overflowId the {@code overflow} reference, or {@code null}
	 * @param timestamp the change's {@code ts}, or {@code null}
	 * @param envelopes the rows bound in advance
	 */
	public IncomingNotification(String channel, String payload, @Nullable PigeonAction action, @Nullable String schema,
			@Nullable String table, @Nullable Long count, @Nullable Long overflowId, @Nullable Long timestamp,
			Map<JavaType, ChangeEnvelope<?>> envelopes) {
		this(channel, payload, action, schema, table, count, overflowId, timestamp, envelopes, null, null, null, null);
	}

	/**
	 * Create a notification whose rows are not bound in advance.
	 * @param channel the channel it arrived on
	 * @param payload the payload text
	 * @param action the change's {@code action}, or {@code null}
	 * @param schema the change's {@code schema}, or {@code null}
	 * @param table the change's {@code table}, or {@code null}
	 * @param count the statement-level {@code count}, or {@code null}
	 * @param overflowId the {@code overflow} reference, or {@code null}
	 * @param timestamp the change's {@code ts}, or {@code null}
	 */
	IncomingNotification(String channel, String payload, @Nullable PigeonAction action, @Nullable String schema,
			@Nullable String table, @Nullable Long count, @Nullable Long overflowId, @Nullable Long timestamp) {
		this(channel, payload, action, schema, table, count, overflowId, timestamp, Map.of());
	}

	/**
	 * Return whether the payload is a change notification as Pigeon's triggers write them, rather
	 * than any other text sent to the channel (for example with {@code PigeonTemplate}).
	 * @return {@code true} for a JSON object with a known {@code action}, a {@code schema} and a
	 * {@code table}
	 */
	boolean isChange() {
		return this.action != null && this.schema != null && this.table != null;
	}

	/**
	 * Return whether this is one part of a statement payload with rows, which the dispatcher
	 * reassembles before delivery.
	 * @return {@code true} if the payload carries {@code parts}
	 */
	public boolean isPart() {
		return this.parts != null && isChange();
	}

	/**
	 * Return the rows bound in advance to a type.
	 * @param rowType the type
	 * @return the rows, or {@code null} if they were not bound to that type
	 */
	@Nullable ChangeEnvelope<?> envelope(JavaType rowType) {
		return this.envelopes.get(rowType);
	}

}
