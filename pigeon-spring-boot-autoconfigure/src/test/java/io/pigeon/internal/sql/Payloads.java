package io.pigeon.internal.sql;

import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.pigeon.internal.payload.ChangePayloadWriter;
import io.pigeon.internal.payload.PayloadContract;
import io.pigeon.internal.sql.NotificationCollector.Notification;
import io.pigeon.internal.sql.TriggerTestSchema.Write;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Assertions on Pigeon payloads, with the keys of the {@link PayloadContract}: expected
 * payloads are written by {@link ChangePayloadWriter}, the contract's Java writer.
 */
final class Payloads {

	private Payloads() {
	}

	/**
	 * Assert that a notification arrived on the channel with exactly the expected payload:
	 * {@code txid} is the writing transaction's, {@code ts} a number of microseconds within the
	 * write, and every other key as expected.
	 * @param notification the notification
	 * @param channel the expected channel
	 * @param write the write that sent it
	 * @param expected the payload's other keys, as JSON
	 */
	static void assertPayload(Notification notification, String channel, Write write, String expected) {
		assertPayload(notification, channel, write, NotificationCollector.JSON.readTree(expected));
	}

	/**
	 * Assert that a notification arrived on the channel with exactly the expected payload.
	 * @param notification the notification
	 * @param channel the expected channel
	 * @param write the write that sent it
	 * @param expected the payload; its {@code txid} and {@code ts} are ignored
	 * @see #assertPayload(Notification, String, Write, String)
	 */
	static void assertPayload(Notification notification, String channel, Write write, ChangePayloadWriter expected) {
		ObjectNode payload = (ObjectNode) NotificationCollector.JSON.readTree(expected.write());
		assertPayload(notification, channel, write, payload.without(List.of(PayloadContract.TXID, PayloadContract.TS)));
	}

	/**
	 * Assert that a notification arrived on the channel with exactly the expected payload.
	 * @param notification the notification
	 * @param channel the expected channel
	 * @param write the write that sent it
	 * @param expected the payload's keys but {@code txid} and {@code ts}
	 * @see #assertPayload(Notification, String, Write, String)
	 */
	static void assertPayload(Notification notification, String channel, Write write, JsonNode expected) {
		assertThat(notification.channel()).isEqualTo(channel);
		ObjectNode payload = notification.payload().deepCopy();
		JsonNode txid = payload.remove(PayloadContract.TXID);
		JsonNode ts = payload.remove(PayloadContract.TS);
		assertThat(txid).isNotNull();
		assertThat(txid.isIntegralNumber()).as("txid is a number: %s", txid).isTrue();
		assertThat(txid.longValue()).isEqualTo(write.txid());
		assertThat(ts).isNotNull();
		assertThat(ts.isIntegralNumber()).as("ts is a number: %s", ts).isTrue();
		assertThat(ts.longValue()).isBetween(write.fromMicros(), write.toMicros());
		// through text, so that numbers built in Java compare as parsed numbers do
		assertThat(payload).isEqualTo(NotificationCollector.JSON.readTree(expected.toString()));
	}

}
