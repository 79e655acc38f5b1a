package io.pigeon.testing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pigeon.PigeonEvent;
import org.jspecify.annotations.Nullable;

/**
 * One notification as Pigeon delivered it to the application's listener methods: the change it
 * carried, and which listeners received it and which failed on it.
 *
 * @param channel the channel it was delivered on
 * @param payload the payload as the listener methods received it (an overflow resolved in full)
 * @param event the change, its rows bound to maps as a {@code PigeonEvent<Map<String, Object>>}
 * parameter would bind them, or {@code null} when the payload is not a Pigeon change (any other
 * text sent to the channel, for example with {@code PigeonTemplate})
 * @param listeners the ids of the listeners that returned normally, in the order they were called
 * @param failures what each listener that threw threw, by its id, in the order they were called
 * @param synthetic whether it was delivered by {@link PigeonEvents#deliver}, not by a trigger
 * @since 0.1.0
 */
public record RecordedChange(String channel, String payload, @Nullable PigeonEvent<Map<String, Object>> event,
		List<String> listeners, Map<String, Throwable> failures, boolean synthetic) {

	/**
	 * Create a recorded change.
	 */
	public RecordedChange {
		listeners = List.copyOf(listeners);
		failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder();
		if (this.event != null) {
			text.append(this.event.action()).append(' ').append(this.event.schema()).append('.')
				.append(this.event.table()).append(" on '").append(this.channel).append("'");
			if (this.event.data() != null) {
				text.append(" data=").append(this.event.data());
			}
			if (this.event.old() != null) {
				text.append(" old=").append(this.event.old());
			}
			if (this.event.count() != null) {
				text.append(" count=").append(this.event.count());
			}
		}
		else {
			text.append("payload on '").append(this.channel).append("': ").append(this.payload);
		}
		text.append(", received by ").append(this.listeners);
		if (!this.failures.isEmpty()) {
			text.append(", failed in ");
			this.failures.forEach((id, failure) -> text.append(id).append(" (").append(failure).append(") "));
		}
		if (this.synthetic) {
			text.append(", synthetic");
		}
		return text.toString().strip();
	}

}
