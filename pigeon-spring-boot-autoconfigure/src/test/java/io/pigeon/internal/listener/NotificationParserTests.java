package io.pigeon.internal.listener;

import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.pigeon.PigeonAction;
import io.pigeon.internal.listener.NotificationParser.StoredPayload;
import io.pigeon.PigeonEvent;
import io.pigeon.internal.payload.ChangePayloadWriter;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link NotificationParser} on its own: the head it reads, what it makes of other text,
 * overflow references resolved through a store faked here, and rows bound once per type.
 */
class NotificationParserTests {

	private static final String ROW = "{\"id\":1,\"price\":1.50}";

	private final JsonMapper jsonMapper = JsonMapper.builder().build();

	private final List<Long> loaded = new ArrayList<>();

	private final Map<Long, StoredPayload> stored = new HashMap<>();

	private final NotificationParser parser = new NotificationParser(this.jsonMapper, (id) -> {
		this.loaded.add(id);
		StoredPayload payload = this.stored.get(id);
		if (payload == null) {
			throw new IllegalStateException("Overflow payload " + id + " is not stored");
		}
		return payload;
	});

	@Test
	void readsTheHeadAndIgnoresUnknownMembers() {
		String payload = ChangePayloadWriter.change(PigeonAction.UPDATE, "s", "t")
			.ts(Instant.ofEpochSecond(0, 17_000))
			.count(3L)
			.write()
			.replace("{", "{\"unknown\":[{}],");
		IncomingNotification notification = this.parser.parse("ch", payload);
		assertThat(notification.channel()).isEqualTo("ch");
		assertThat(notification.payload()).isEqualTo(payload);
		assertThat(notification.action()).isEqualTo(PigeonAction.UPDATE);
		assertThat(notification.schema()).isEqualTo("s");
		assertThat(notification.table()).isEqualTo("t");
		assertThat(notification.count()).isEqualTo(3);
		assertThat(notification.timestamp()).isEqualTo(17);
		assertThat(notification.overflowId()).isNull();
		assertThat(notification.isChange()).isTrue();
	}

	@Test
	@SuppressWarnings("unchecked")
	void readsTheChangedColumnsTheContextAndTheRowsOfAPart() {
		IncomingNotification update = this.parser.parse("ch", "{\"action\":\"UPDATE\",\"schema\":\"s\",\"table\":\"t\","
				+ "\"data\":{\"id\":1},\"changed\":[\"price\", \"status\"],\"context\":{\"user\" : \"42\", \"request\" : null}}");
		assertThat(update.changed()).containsExactly("price", "status");
		assertThat(update.context()).containsEntry("user", "42").containsEntry("request", null).hasSize(2);
		assertThat(update.isPart()).isFalse();
		IncomingNotification part = this.parser.parse("ch", "{\"action\":\"UPDATE\",\"schema\":\"s\",\"table\":\"t\","
				+ "\"count\":2,\"part\":1,\"parts\":1,\"rows\":[" + ROW + "," + ROW + "]}", rowTypes("item"));
		assertThat(part.isPart()).isTrue();
		assertThat(part.part()).isEqualTo(1);
		assertThat((List<Object>) part.envelope(itemType()).rows()).containsExactly(item(), item());
	}

	@Test
	void actionIsReadWhateverItsCase() {
		assertThat(this.parser.parse("ch", "{\"action\":\"delete\",\"schema\":\"s\",\"table\":\"t\"}").action())
			.isEqualTo(PigeonAction.DELETE);
	}

	@Test
	void unknownActionOrMissingTableIsNotAChange() {
		IncomingNotification merge = this.parser.parse("ch", "{\"action\":\"MERGE\",\"schema\":\"s\",\"table\":\"t\"}");
		assertThat(merge.action()).isNull();
		assertThat(merge.table()).isEqualTo("t");
		assertThat(merge.isChange()).isFalse();
		assertThat(this.parser.parse("ch", "{\"action\":\"INSERT\",\"schema\":\"s\"}").isChange()).isFalse();
		assertThat(this.parser.parse("ch", "{\"action\":1,\"schema\":\"s\",\"table\":\"t\"}").isChange()).isFalse();
	}

	@Test
	void textThatIsNotAJsonObjectIsKeptAsItIs() {
		for (String payload : List.of("not json", "[1, 2]", "{\"action\":\"INSERT\",", "")) {
			IncomingNotification notification = this.parser.parse("ch", payload);
			assertThat(notification.payload()).isEqualTo(payload);
			assertThat(notification.action()).isNull();
			assertThat(notification.isChange()).isFalse();
			assertThat(notification.envelopes()).isEmpty();
		}
	}

	@Test
	void overflowReferenceIsReplacedByTheStoredPayload() {
		String full = ChangePayloadWriter.change(PigeonAction.INSERT, "public", "items").data(ROW).write();
		this.stored.put(42L, new StoredPayload("items", full));
		IncomingNotification notification = this.parser.parse("items",
				ChangePayloadWriter.change(PigeonAction.INSERT, "public", "items").overflow(42).write(),
				rowTypes("item"));
		assertThat(this.loaded).containsExactly(42L);
		assertThat(notification.payload()).isEqualTo(full);
		assertThat(notification.overflowId()).isNull();
		assertThat(notification.envelope(itemType())).isEqualTo(new ChangeEnvelope<>(item(), null));
	}

	@Test
	void overflowReferenceIsRejectedUnlessTheStoredPayloadIsThatSameChangeOnThatChannel() {
		String full = ChangePayloadWriter.change(PigeonAction.INSERT, "public", "items").txid(5).seq(2).data(ROW)
			.write();
		this.stored.put(1L, new StoredPayload("items", full));
		this.stored.put(2L, new StoredPayload("secrets", full));
		this.stored.put(3L, new StoredPayload(null, full));
		String reference = ChangePayloadWriter.change(PigeonAction.INSERT, "public", "items").txid(5).seq(2)
			.overflow(1).write();
		assertThat(this.parser.parse("items", reference).payload()).isEqualTo(full);
		assertRejected("secrets", reference);
		assertRejected("items", reference.replace("\"overflow\":1", "\"overflow\":2"));
		assertRejected("items", reference.replace("\"overflow\":1", "\"overflow\":3"));
		assertRejected("items", ChangePayloadWriter.change(PigeonAction.INSERT, "public", "orders").txid(5).seq(2)
			.overflow(1).write());
		assertRejected("items", ChangePayloadWriter.change(PigeonAction.INSERT, "other", "items").txid(5).seq(2)
			.overflow(1).write());
		assertRejected("items", ChangePayloadWriter.change(PigeonAction.INSERT, "public", "items").txid(6).seq(2)
			.overflow(1).write());
		assertRejected("items", ChangePayloadWriter.change(PigeonAction.INSERT, "public", "items").txid(5).seq(3)
			.overflow(1).write());
		assertRejected("items", ChangePayloadWriter.change(PigeonAction.DELETE, "public", "items").txid(5).seq(2)
			.overflow(1).write());
	}

	private void assertRejected(String channel, String reference) {
		assertThatExceptionOfType(RejectedNotificationException.class)
			.isThrownBy(() -> this.parser.parse(channel, reference))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(RejectionReason.OVERFLOW_MISMATCH))
			.withMessageContaining("not delivered");
	}

	@Test
	void overflowReferenceThatCannotBeResolvedFails() {
		assertThatIllegalStateException()
			.isThrownBy(() -> this.parser.parse("items",
					ChangePayloadWriter.change(PigeonAction.INSERT, "public", "items").overflow(7).write()))
			.withMessage("Overflow payload 7 is not stored");
	}

	@Test
	void overflowMemberOfAnyOtherJsonIsNotResolved() {
		IncomingNotification notification = this.parser.parse("ch", "{\"overflow\":42}");
		assertThat(this.loaded).isEmpty();
		assertThat(notification.overflowId()).isEqualTo(42);
	}

	@Test
	void rowsAreBoundOnceForAllMethodsOfTheSameType() {
		String payload = ChangePayloadWriter.change(PigeonAction.UPDATE, "public", "items")
			.data(ROW)
			.old("{\"id\":1,\"price\":1.25}")
			.write();
		IncomingNotification notification = this.parser.parse("items", payload, rowTypes("item", "event", "payload"));
		assertThat(notification.envelopes()).containsOnlyKeys(itemType());
		assertThat(notification.envelope(itemType()))
			.isEqualTo(new ChangeEnvelope<>(item(), new Item(1, new BigDecimal("1.25"))));
	}

	@Test
	void rowsAreBoundToEachDistinctType() {
		String payload = ChangePayloadWriter.change(PigeonAction.INSERT, "public", "items").data(ROW).write();
		IncomingNotification notification = this.parser.parse("items", payload, rowTypes("item", "map"));
		assertThat(notification.envelopes()).hasSize(2);
		assertThat(notification.envelope(itemType())).isEqualTo(new ChangeEnvelope<>(item(), null));
		JavaType mapType = this.jsonMapper.getTypeFactory().constructMapType(Map.class, String.class, Object.class);
		assertThat(notification.envelope(mapType)).isEqualTo(new ChangeEnvelope<>(Map.of("id", 1, "price", 1.5), null));
	}

	@Test
	void rowsAreNotBoundForMethodsThatDoNotReceiveTheAction() {
		String payload = ChangePayloadWriter.change(PigeonAction.INSERT, "public", "items").data(ROW).write();
		assertThat(this.parser.parse("items", payload, rowTypes("deletedItem")).envelopes()).isEmpty();
		assertThat(this.parser.parse("items", payload.replace("INSERT", "DELETE"), rowTypes("deletedItem"))
			.envelope(itemType())).isEqualTo(new ChangeEnvelope<>(item(), null));
	}

	@Test
	void rowsThatDoNotBindAreLeftToTheMethods() {
		String payload = ChangePayloadWriter.change(PigeonAction.INSERT, "public", "items")
			.data("{\"id\":\"one\"}")
			.count(5L)
			.write();
		IncomingNotification notification = this.parser.parse("items", payload, rowTypes("item"));
		assertThat(notification.envelopes()).isEmpty();
		assertThat(notification.isChange()).isTrue();
		assertThat(notification.count()).isEqualTo(5);
	}

	@Test
	void rowsBeforeTheActionAreLeftToTheMethods() {
		String payload = "{\"data\":" + ROW + ",\"action\":\"INSERT\",\"schema\":\"public\",\"table\":\"items\"}";
		IncomingNotification notification = this.parser.parse("items", payload, rowTypes("item"));
		assertThat(notification.isChange()).isTrue();
		assertThat(notification.envelopes()).isEmpty();
	}

	@Test
	void statementLevelChangeHasNoRows() {
		String payload = ChangePayloadWriter.change(PigeonAction.TRUNCATE, "public", "items").write();
		assertThat(this.parser.parse("items", payload, rowTypes("item")).envelope(itemType()))
			.isEqualTo(new ChangeEnvelope<>(null, null));
	}

	private JavaType itemType() {
		return this.jsonMapper.constructType(Item.class);
	}

	private static Item item() {
		return new Item(1, new BigDecimal("1.50"));
	}

	private NotificationParser.RowTypes rowTypes(String... methods) {
		List<MethodListenerAdapter> adapters = new ArrayList<>();
		for (String name : methods) {
			Method method = ReflectionUtils.findMethod(Listeners.class, name, null);
			assertThat(method).isNotNull();
			Set<PigeonAction> actions = name.startsWith("deleted") ? Set.of(PigeonAction.DELETE) : Set.of();
			adapters.add(new MethodListenerAdapter(new ListenerEndpoint("listeners", new Listeners(), method,
					List.of("items"), actions, ListenerMethodSignature.of(method, Listeners.class)), this.jsonMapper));
		}
		return this.parser.rowTypes(adapters);
	}

	record Item(int id, BigDecimal price) {
	}

	static class Listeners {

		void item(Item item) {
		}

		void deletedItem(Item item) {
		}

		void event(PigeonEvent<Item> event) {
		}

		void map(Map<String, Object> data) {
		}

		void payload(String payload) {
		}

	}

}
