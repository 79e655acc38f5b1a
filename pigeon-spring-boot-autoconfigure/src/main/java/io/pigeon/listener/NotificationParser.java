package io.pigeon.listener;

import java.util.Locale;

import io.pigeon.PigeonAction;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a payload into an {@link IncomingNotification}: parses it once, and replaces an overflow
 * reference ({@code "overflow": <id>}) with the full payload the trigger stored.
 *
 * @since 0.1.0
 */
final class NotificationParser {

	private final JsonMapper jsonMapper;

	private final OverflowPayloadStore overflowStore;

	NotificationParser(JsonMapper jsonMapper, OverflowPayloadStore overflowStore) {
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
	IncomingNotification parse(String channel, String payload) {
		JsonNode json = readJson(payload);
		IncomingNotification notification = new IncomingNotification(channel, payload, json, action(json));
		Long overflowId = notification.integer("overflow");
		if (overflowId == null || notification.action() == null) {
			return notification;
		}
		String fullPayload = this.overflowStore.load(overflowId);
		JsonNode fullJson = readJson(fullPayload);
		return new IncomingNotification(channel, fullPayload, fullJson, action(fullJson));
	}

	private @Nullable JsonNode readJson(String payload) {
		try {
			return this.jsonMapper.readTree(payload);
		}
		catch (JacksonException ex) {
			// Not JSON: still deliverable to methods taking the raw payload.
			return null;
		}
	}

	private static @Nullable PigeonAction action(@Nullable JsonNode json) {
		if (json == null || !json.isObject()) {
			return null;
		}
		JsonNode action = json.get("action");
		if (action == null || !action.isString()) {
			return null;
		}
		try {
			return PigeonAction.valueOf(action.stringValue().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
