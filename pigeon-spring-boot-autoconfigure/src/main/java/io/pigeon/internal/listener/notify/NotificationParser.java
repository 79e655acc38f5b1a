package io.pigeon.internal.listener.notify;

import java.util.Locale;

import io.pigeon.PigeonAction;
import io.pigeon.internal.listener.IncomingNotification;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the top-level members of Pigeon's payload contract ({@code action}, {@code schema},
 * {@code table}, {@code count}, {@code overflow}, {@code ts}) with a streaming parser, skipping the
 * row values, and replaces an overflow reference with the full payload the trigger stored.
 *
 * @since 0.1.0
 */
public final class NotificationParser {

	private final JsonMapper jsonMapper;

	private final OverflowPayloadStore overflowStore;

	public NotificationParser(JsonMapper jsonMapper, OverflowPayloadStore overflowStore) {
		this.jsonMapper = jsonMapper;
		this.overflowStore = overflowStore;
	}

	/**
	 * Parse a payload.
	 * @param channel the channel it arrived on
	 * @param payload the payload as received
	 * @return the notification, with the full payload
	 * @throws RuntimeException if an overflow reference cannot be resolved
	 */
	public IncomingNotification parse(String channel, String payload) {
		IncomingNotification notification = read(channel, payload);
		Long overflowId = notification.overflowId();
		if (overflowId == null || notification.action() == null) {
			return notification;
		}
		return read(channel, this.overflowStore.load(overflowId));
	}

	private IncomingNotification read(String channel, String payload) {
		PigeonAction action = null;
		String schema = null;
		String table = null;
		Long count = null;
		Long overflowId = null;
		Long timestamp = null;
		try (JsonParser parser = this.jsonMapper.createParser(payload)) {
			if (parser.nextToken() == JsonToken.START_OBJECT) {
				while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
					String name = parser.currentName();
					JsonToken value = parser.nextToken();
					switch (name) {
						case "action" -> action = action(text(parser, value));
						case "schema" -> schema = text(parser, value);
						case "table" -> table = text(parser, value);
						case "count" -> count = integer(parser, value);
						case "overflow" -> overflowId = integer(parser, value);
						case "ts" -> timestamp = integer(parser, value);
						default -> parser.skipChildren();
					}
				}
			}
		}
		catch (JacksonException ex) {
			// Not a JSON object: still deliverable to methods taking the raw payload.
			return new IncomingNotification(channel, payload, null, null, null, null, null, null);
		}
		return new IncomingNotification(channel, payload, action, schema, table, count, overflowId, timestamp);
	}

	private static @Nullable String text(JsonParser parser, JsonToken value) {
		return (value == JsonToken.VALUE_STRING) ? parser.getString() : skip(parser);
	}

	private static @Nullable Long integer(JsonParser parser, JsonToken value) {
		return (value == JsonToken.VALUE_NUMBER_INT) ? parser.getLongValue() : skip(parser);
	}

	private static <T> @Nullable T skip(JsonParser parser) {
		parser.skipChildren();
		return null;
	}

	private static @Nullable PigeonAction action(@Nullable String action) {
		if (action == null) {
			return null;
		}
		try {
			return PigeonAction.valueOf(action.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
