package io.pigeon.internal.listener;

import io.pigeon.PigeonAction;
import org.jspecify.annotations.Nullable;

/**
 * A notification as its channel's dispatcher hands it to listener methods: the payload in full
 * (an overflow reference already resolved) with the top-level members of Pigeon's payload
 * contract read from it. {@code data} and {@code old} are left in the text: each listener method
 * binds them to its own type.
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
 */
public record IncomingNotification(String channel, String payload, @Nullable PigeonAction action, @Nullable String schema,
		@Nullable String table, @Nullable Long count, @Nullable Long overflowId, @Nullable Long timestamp) {

	/**
	 * Return whether the payload is a change notification as Pigeon's triggers write them, rather
	 * than any other text sent to the channel (for example with {@code PigeonTemplate}).
	 * @return {@code true} for a JSON object with a known {@code action}, a {@code schema} and a
	 * {@code table}
	 */
	public boolean isChange() {
		return this.action != null && this.schema != null && this.table != null;
	}

}
