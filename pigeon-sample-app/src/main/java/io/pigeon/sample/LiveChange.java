package io.pigeon.sample;

import io.pigeon.PigeonAction;
import io.pigeon.PigeonEvent;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A change as the page receives it from the event stream.
 *
 * @param channel the channel the notification arrived on
 * @param action what happened
 * @param schema the table's schema
 * @param table the table's name
 * @param data the row's columns that the trigger sends
 * @param old the row's columns before an update, when the trigger sends them
 */
public record LiveChange(String channel, PigeonAction action, String schema, String table, @Nullable JsonNode data,
		@Nullable JsonNode old) {

	static LiveChange of(PigeonEvent<JsonNode> event) {
		return new LiveChange(event.channel(), event.action(), event.schema(), event.table(), event.data(),
				event.old());
	}

}
