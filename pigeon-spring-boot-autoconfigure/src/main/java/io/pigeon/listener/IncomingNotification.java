package io.pigeon.listener;

import io.pigeon.PigeonAction;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A notification as its channel's dispatcher hands it to listener methods: the payload in full
 * (an overflow reference already resolved), parsed once for every method of the channel.
 *
 * @param channel the channel it arrived on
 * @param payload the payload text
 * @param json the parsed payload, or {@code null} when the payload is not JSON
 * @param action the change's action when the payload is a Pigeon change notification, otherwise
 * {@code null}
 */
record IncomingNotification(String channel, String payload, @Nullable JsonNode json, @Nullable PigeonAction action) {

	/**
	 * Return whether the payload is a change notification as Pigeon's triggers write them, rather
	 * than any other text sent to the channel (for example with {@code PigeonTemplate}).
	 * @return {@code true} for a JSON object with a known {@code action}, a {@code schema} and a
	 * {@code table}
	 */
	boolean isChange() {
		return this.action != null && text("schema") != null && text("table") != null;
	}

	@Nullable String text(String name) {
		JsonNode node = member(name);
		return (node != null && node.isString()) ? node.stringValue() : null;
	}

	@Nullable Long integer(String name) {
		JsonNode node = member(name);
		return (node != null && node.isIntegralNumber()) ? node.longValue() : null;
	}

	/**
	 * Return a top-level member of the payload.
	 * @param name the member's name
	 * @return the member, or {@code null} when absent, JSON {@code null} or the payload is not a
	 * JSON object
	 */
	@Nullable JsonNode member(String name) {
		JsonNode json = this.json;
		if (json == null || !json.isObject()) {
			return null;
		}
		JsonNode node = json.get(name);
		return (node != null && !node.isNull()) ? node : null;
	}

}
