package io.pigeon;

import java.nio.charset.StandardCharsets;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.util.Assert;

/**
 * Sends notifications with {@code pg_notify}, on the current transaction's connection when there
 * is one: as PostgreSQL does, the notification is delivered when that transaction commits, and
 * never if it rolls back.
 *
 * @since 0.1.0
 */
public class PigeonTemplate {

	/**
	 * PostgreSQL refuses payloads of this many bytes or more.
	 */
	private static final int MAX_PAYLOAD_BYTES = 8000;

	private final JdbcOperations jdbc;

	private final JsonMapper jsonMapper;

	/**
	 * Create a new template.
	 * @param jdbc the application's JDBC access, which takes part in its transactions
	 * @param jsonMapper serialises payloads
	 */
	public PigeonTemplate(JdbcOperations jdbc, JsonMapper jsonMapper) {
		this.jdbc = jdbc;
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Notify a channel. A {@link CharSequence} payload is sent as it is (already serialised);
	 * anything else is serialised to JSON.
	 * @param channel the channel, case-sensitive
	 * @param payload the payload
	 * @throws IllegalArgumentException if the payload reaches PostgreSQL's limit of 8000 bytes
	 */
	public void notify(String channel, Object payload) {
		Assert.hasText(channel, "'channel' must not be empty");
		Assert.notNull(payload, "'payload' must not be null");
		String text = (payload instanceof CharSequence sequence) ? sequence.toString()
				: this.jsonMapper.writeValueAsString(payload);
		int bytes = text.getBytes(StandardCharsets.UTF_8).length;
		Assert.isTrue(bytes < MAX_PAYLOAD_BYTES, () -> "A notification payload must be shorter than "
				+ MAX_PAYLOAD_BYTES + " bytes (PostgreSQL's limit), but this one has " + bytes
				+ ": send a key and read the rest from a table");
		this.jdbc.query("SELECT pg_notify(?, ?)", (resultSet) -> {
		}, channel, text);
	}

}
