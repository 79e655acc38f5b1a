package io.pigeon.autoconfigure;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.pigeon.PigeonAction;
import io.pigeon.PigeonErrorHandler;
import io.pigeon.PigeonEvent;
import io.pigeon.PigeonListener;
import io.pigeon.PigeonTemplate;
import io.pigeon.internal.listener.ListenerStatus;
import io.pigeon.internal.listener.notify.OverflowPayloadStore.OverflowPayloadMissingException;
import io.pigeon.test.ChangePayloads;
import io.pigeon.test.PigeonTestDatabase;
import io.pigeon.test.TestNotifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Delivery to {@code @PigeonListener} methods against a real PostgreSQL: every supported
 * signature, typed binding, the actions filter, overflow payloads, case-sensitive channels,
 * failures, transactions, ordering under concurrent writers, channel isolation, health and
 * metrics. The notifications follow Pigeon's payload contract, sent with {@code pg_notify}.
 */
class PigeonListenerIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final String ITEM_1 = """
			{"id":1,"name":"apple","price":1.50,"created":"2025-11-26T10:00:00.123456+00:00","tags":["red","fruit"]}""";

	private static final String ITEM_1_RENAMED = """
			{"id":1,"name":"apple pie","price":1.50,"created":"2025-11-26T10:00:00.123456+00:00","tags":[]}""";

	private static final String ITEM_1_REPRICED = """
			{"id":1,"name":"apple pie","price":2.25,"created":"2025-11-26T10:00:00.123456+00:00","tags":[]}""";

	private static String schema;

	private static ConfigurableApplicationContext context;

	private static TestNotifier notifier;

	private static Recorder recorder;

	@BeforeAll
	static void start() throws Exception {
		schema = PigeonTestDatabase.uniqueName("pigeon_listener_it");
		try (Connection connection = PigeonTestDatabase.get().connect();
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE SCHEMA \"" + schema + "\"");
			// The overflow table exactly as the payload contract defines it.
			statement.execute("CREATE TABLE \"" + schema + "\".pigeon_overflow (id bigint GENERATED ALWAYS AS "
					+ "IDENTITY PRIMARY KEY, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT "
					+ "clock_timestamp(), channel text)");
		}
		context = ListenerTestApplication.run(Config.class, "pigeon.install.schema=" + schema,
				"test.placeholder-channel=placeholder_items");
		recorder = context.getBean(Recorder.class);
		notifier = new TestNotifier(PigeonTestDatabase.get());
	}

	@AfterAll
	static void stop() throws Exception {
		if (context != null) {
			context.close();
		}
		if (notifier != null) {
			notifier.close();
		}
		try (Connection connection = PigeonTestDatabase.get().connect();
				Statement statement = connection.createStatement()) {
			statement.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
		}
	}

	@Test
	void everySignatureReceivesInsertUpdateDeleteAndStatementEvents() throws Exception {
		List<String> payloads = List.of(ChangePayloads.row("INSERT", "items", ITEM_1),
				ChangePayloads.row("UPDATE", "items", ITEM_1_RENAMED),
				ChangePayloads.row("UPDATE", "items", ITEM_1_REPRICED, ITEM_1_RENAMED),
				ChangePayloads.row("DELETE", "items", ITEM_1_REPRICED), ChangePayloads.statement("UPDATE", "items", 3L),
				ChangePayloads.statement("TRUNCATE", "items", null));
		for (String payload : payloads) {
			notifier.send("items", payload);
		}
		await().atMost(TIMEOUT).until(() -> recorder.count("items.payload") == payloads.size());
		Item item1 = new Item(1, "apple", new BigDecimal("1.50"), Instant.parse("2025-11-26T10:00:00.123456Z"),
				List.of("red", "fruit"));
		Item renamed = new Item(1, "apple pie", new BigDecimal("1.50"), item1.created(), List.of());
		Item repriced = new Item(1, "apple pie", new BigDecimal("2.25"), item1.created(), List.of());
		assertThat(recorder.get("items.event")).containsExactly(
				new PigeonEvent<>("items", PigeonAction.INSERT, "public", "items", item1, null, null, payloads.get(0)),
				new PigeonEvent<>("items", PigeonAction.UPDATE, "public", "items", renamed, null, null,
						payloads.get(1)),
				new PigeonEvent<>("items", PigeonAction.UPDATE, "public", "items", repriced, renamed, null,
						payloads.get(2)),
				new PigeonEvent<>("items", PigeonAction.DELETE, "public", "items", repriced, null, null,
						payloads.get(3)),
				new PigeonEvent<Item>("items", PigeonAction.UPDATE, "public", "items", null, null, 3L,
						payloads.get(4)),
				new PigeonEvent<Item>("items", PigeonAction.TRUNCATE, "public", "items", null, null, null,
						payloads.get(5)));
		assertThat(recorder.get("items.data")).containsExactly(item1, renamed, repriced, repriced, null, null);
		assertThat(recorder.get("items.payload")).containsExactlyElementsOf(payloads);
		assertThat(recorder.get("items.channelAndPayload"))
			.containsExactlyElementsOf(payloads.stream().map((payload) -> "items|" + payload).toList());
		@SuppressWarnings("unchecked")
		Map<String, Object> firstMap = (Map<String, Object>) recorder.get("items.map").get(0);
		assertThat(firstMap).containsEntry("id", 1)
			.containsEntry("name", "apple")
			.containsEntry("price", 1.5)
			.containsEntry("created", "2025-11-26T10:00:00.123456+00:00")
			.containsEntry("tags", List.of("red", "fruit"));
		assertThat(recorder.get("items.map")).hasSize(6);
		assertThat(recorder.get("items.map").subList(4, 6)).containsOnlyNulls();
		List<Object> nodes = recorder.get("items.node");
		assertThat(nodes).hasSize(6);
		assertThat(((JsonNode) nodes.get(2)).get("price").decimalValue()).isEqualByComparingTo("2.25");
		assertThat(recorder.get("items.rawEvent")).hasSize(6)
			.first()
			.satisfies((event) -> assertThat(((PigeonEvent<?>) event).data()).isInstanceOf(Map.class));
	}

	@Test
	void actionsFilterSelectsWhatAMethodReceives() throws Exception {
		notifier.send("filtered", ChangePayloads.row("INSERT", "items", ITEM_1));
		notifier.send("filtered", ChangePayloads.row("DELETE", "items", ITEM_1));
		notifier.send("filtered", ChangePayloads.row("UPDATE", "items", ITEM_1));
		notifier.send("filtered", "{\"not\":\"a change\"}");
		await().atMost(TIMEOUT).until(() -> recorder.count("filtered.all") == 4);
		assertThat(recorder.get("filtered.deletes")).containsExactly(PigeonAction.DELETE);
		assertThat(recorder.get("filtered.insertsAndUpdates")).containsExactly(PigeonAction.INSERT,
				PigeonAction.UPDATE);
	}

	@Test
	void overflowPayloadArrivesWhole() throws Exception {
		String name = "é".repeat(10_000);
		String full = ChangePayloads.row("INSERT", "items", "{\"id\":2,\"name\":\"" + name + "\"}");
		long id;
		try (Connection connection = PigeonTestDatabase.get().connect();
				PreparedStatement statement = connection.prepareStatement(
						"INSERT INTO \"" + schema + "\".pigeon_overflow (channel, payload) VALUES ('large_items', ?) "
								+ "RETURNING id")) {
			statement.setString(1, full);
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				id = result.getLong(1);
			}
		}
		String reference = ChangePayloads.overflow("INSERT", "items", id);
		notifier.send("large_items", reference);
		await().atMost(TIMEOUT).until(() -> recorder.count("large.payload") == 1);
		assertThat(recorder.get("large.payload")).containsExactly(full);
		PigeonEvent<?> event = (PigeonEvent<?>) recorder.get("large.event").get(0);
		assertThat(((JsonNode) event.data()).get("name").stringValue()).isEqualTo(name);
		assertThat(event.payload()).isEqualTo(full);
	}

	@Test
	void missingOverflowPayloadReachesErrorHandler() throws Exception {
		String reference = ChangePayloads.overflow("INSERT", "items", Long.MAX_VALUE);
		notifier.send("large_items", reference);
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(recorder.get("errors")).anySatisfy((failure) -> {
				Failure f = (Failure) failure;
				assertThat(f.channel()).isEqualTo("large_items");
				assertThat(f.payload()).isEqualTo(reference);
				assertThat(f.exception()).isInstanceOf(OverflowPayloadMissingException.class);
			}));
	}

	@Test
	void channelNamesAreCaseSensitive() throws Exception {
		notifier.send("orders", "lower");
		notifier.send("Orders", "upper");
		await().atMost(TIMEOUT).until(() -> recorder.count("Orders") == 1);
		notifier.send("Orders", "upper again");
		await().atMost(TIMEOUT).until(() -> recorder.count("Orders") == 2);
		assertThat(recorder.get("Orders")).containsExactly("Orders|upper", "Orders|upper again");
	}

	@Test
	void channelResolvesPlaceholders() throws Exception {
		notifier.send("placeholder_items", "resolved");
		await().atMost(TIMEOUT).until(() -> recorder.count("placeholder") == 1);
		assertThat(recorder.get("placeholder")).containsExactly("resolved");
	}

	@Test
	void throwingListenerDoesNotStopTheNextNotificationAndReachesTheErrorHandler() throws Exception {
		notifier.send("failing", "fail first");
		notifier.send("failing", "then succeed");
		await().atMost(TIMEOUT).until(() -> recorder.count("failing.other") == 2);
		assertThat(recorder.get("failing.thrower")).containsExactly("fail first", "then succeed");
		assertThat(recorder.get("failing.other")).containsExactly("fail first", "then succeed");
		assertThat(recorder.get("errors")).anySatisfy((failure) -> {
			Failure f = (Failure) failure;
			assertThat(f.channel()).isEqualTo("failing");
			assertThat(f.payload()).isEqualTo("fail first");
			assertThat(f.exception()).isInstanceOf(IllegalStateException.class).hasMessage("listener failed");
		});
	}

	@Test
	void listenerThatLeavesItsThreadInterruptedDoesNotEndItsChannel() throws Exception {
		notifier.send("interrupting", "first");
		notifier.send("interrupting", "second");
		await().atMost(TIMEOUT).until(() -> recorder.count("interrupting") == 2);
		assertThat(recorder.get("interrupting")).containsExactly("first", "second");
	}

	@Test
	void transactionalListenerRunsInATransactionThroughItsProxy() throws Exception {
		assertThat(AopUtils.isAopProxy(context.getBean(TransactionalListener.class))).isTrue();
		notifier.send("tx", "{}");
		await().atMost(TIMEOUT).until(() -> recorder.count("tx") == 1);
		assertThat(recorder.get("tx")).containsExactly(true);
	}

	@Test
	void templateSendsOnCommitOnly() {
		PigeonTemplate template = context.getBean(PigeonTemplate.class);
		TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
		transactions.executeWithoutResult((status) -> {
			template.notify("template", Map.of("n", 1));
			status.setRollbackOnly();
		});
		transactions.executeWithoutResult((status) -> template.notify("template", Map.of("n", 2)));
		template.notify("template", "{\"n\":3}");
		await().atMost(TIMEOUT).until(() -> recorder.count("template") == 2);
		assertThat(recorder.get("template")).containsExactly(Map.of("n", 2), Map.of("n", 3));
	}

	@Test
	void changesFromConcurrentWritersArriveCompleteAndInPerWriterOrder() throws Exception {
		int writers = 4;
		int perWriter = 2500;
		List<CompletableFuture<Void>> writes = new ArrayList<>();
		for (int writer = 0; writer < writers; writer++) {
			int w = writer;
			writes.add(CompletableFuture.runAsync(() -> write(w, perWriter)));
		}
		CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(60)).until(() -> recorder.count("ordered") == writers * perWriter);
		List<List<Integer>> sequences = new ArrayList<>();
		for (int writer = 0; writer < writers; writer++) {
			sequences.add(new ArrayList<>());
		}
		for (Object received : recorder.get("ordered")) {
			int[] writerAndNumber = (int[]) received;
			sequences.get(writerAndNumber[0]).add(writerAndNumber[1]);
		}
		for (List<Integer> sequence : sequences) {
			assertThat(sequence).hasSize(perWriter).isSorted().doesNotHaveDuplicates();
		}
	}

	private static void write(int writer, int count) {
		try (Connection connection = PigeonTestDatabase.get().connect();
				PreparedStatement statement = connection.prepareStatement("SELECT pg_notify('ordered', ?)")) {
			try (Statement settings = connection.createStatement()) {
				settings.execute("SET synchronous_commit = off");
			}
			for (int n = 1; n <= count; n++) {
				statement.setString(1,
						ChangePayloads.row("INSERT", "ordered", "{\"writer\":" + writer + ",\"n\":" + n + "}"));
				statement.execute();
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void slowListenerOnOneChannelDoesNotHoldBackAnother() throws Exception {
		SlowListeners slow = context.getBean(SlowListeners.class);
		notifier.send("slow", "blocks");
		assertThat(slow.entered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		try {
			notifier.send("slow", "waits behind it");
			notifier.send("fast", "not held back");
			await().atMost(TIMEOUT).until(() -> recorder.count("fast") == 1);
			assertThat(recorder.get("slow")).containsExactly("blocks");
		}
		finally {
			slow.release.countDown();
		}
		await().atMost(TIMEOUT).until(() -> recorder.count("slow") == 2);
	}

	@Test
	@SuppressWarnings("unchecked")
	void healthAndMetricsReportWhatHappened() throws Exception {
		notifier.send("metered", ChangePayloads.row("INSERT", "items", ITEM_1));
		notifier.send("metered", ChangePayloads.row("UPDATE", "items", "{\"fail\":true}"));
		notifier.send("metered", ChangePayloads.row("DELETE", "items", ITEM_1));
		await().atMost(TIMEOUT).until(() -> recorder.count("metered") == 3);
		MeterRegistry meters = context.getBean(MeterRegistry.class);
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(
					meters.get("pigeon.listener.invocations").tag("channel", "metered").tag("outcome", "failure")
						.counter()
						.count())
				.isEqualTo(1));
		assertThat(meters.get("pigeon.notifications.received").tag("channel", "metered").counter().count())
			.isEqualTo(3);
		assertThat(meters.get("pigeon.listener.invocations")
			.tag("channel", "metered")
			.tag("outcome", "success")
			.counter()
			.count()).isEqualTo(2);
		assertThat(meters.get("pigeon.listener.duration").tag("channel", "metered").timer().count()).isEqualTo(3);
		assertThat(meters.get("pigeon.listener.lag").tag("channel", "metered").timer().count()).isEqualTo(3);
		assertThat(meters.get("pigeon.notifications.dropped").tag("channel", "metered").counter().count()).isZero();
		assertThat(meters.get("pigeon.listener.reconnects").counter().count()).isZero();
		Health health = context.getBean(PigeonHealthIndicator.class).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("state", ListenerStatus.State.LISTENING);
		assertThat((Iterable<Object>) health.getDetails().get("channels")).contains("metered", "Orders", "items");
		assertThat((Instant) health.getDetails().get("lastNotification")).isAfter(Instant.now().minusSeconds(60));
	}

	record Item(int id, String name, BigDecimal price, Instant created, List<String> tags) {
	}

	record Failure(String channel, String payload, Throwable exception) {
	}

	@Configuration(proxyBeanMethods = false)
	@Import(ListenerTestApplication.class)
	static class Config {

		@Bean
		PigeonErrorHandler pigeonErrorHandler(Recorder recorder) {
			return (channel, payload, exception) -> recorder.record("errors", new Failure(channel, payload, exception));
		}

		@Bean
		ItemListeners itemListeners(Recorder recorder) {
			return new ItemListeners(recorder);
		}

		@Bean
		OtherListeners otherListeners(Recorder recorder) {
			return new OtherListeners(recorder);
		}

		@Bean
		TransactionalListener transactionalListener(Recorder recorder) {
			return new TransactionalListener(recorder);
		}

		@Bean
		SlowListeners slowListeners(Recorder recorder) {
			return new SlowListeners(recorder);
		}

		@Bean
		TransactionTemplate transactionTemplate(PlatformTransactionManager transactionManager) {
			return new TransactionTemplate(transactionManager);
		}

	}

	static class ItemListeners {

		private final Recorder recorder;

		ItemListeners(Recorder recorder) {
			this.recorder = recorder;
		}

		@PigeonListener(channel = "items")
		void event(PigeonEvent<Item> event) {
			this.recorder.record("items.event", event);
		}

		@PigeonListener(channel = "items")
		void data(Item item) {
			this.recorder.record("items.data", item);
		}

		@PigeonListener(channel = "items")
		void payload(String payload) {
			this.recorder.record("items.payload", payload);
		}

		@PigeonListener(channel = "items")
		void channelAndPayload(String channel, String payload) {
			this.recorder.record("items.channelAndPayload", channel + "|" + payload);
		}

		@PigeonListener(channel = "items")
		void map(Map<String, Object> data) {
			this.recorder.record("items.map", data);
		}

		@PigeonListener(channel = "items")
		void node(JsonNode data) {
			this.recorder.record("items.node", data);
		}

		@PigeonListener(channel = "items")
		void rawEvent(PigeonEvent<?> event) {
			this.recorder.record("items.rawEvent", event);
		}

		@PigeonListener(channel = "filtered")
		void all(String payload) {
			this.recorder.record("filtered.all", payload);
		}

		@PigeonListener(channel = "filtered", actions = PigeonAction.DELETE)
		void deletes(PigeonEvent<JsonNode> event) {
			this.recorder.record("filtered.deletes", event.action());
		}

		@PigeonListener(channels = { "filtered", "unused_channel" },
				actions = { PigeonAction.INSERT, PigeonAction.UPDATE })
		void insertsAndUpdates(PigeonEvent<JsonNode> event) {
			this.recorder.record("filtered.insertsAndUpdates", event.action());
		}

		@PigeonListener(channel = "large_items")
		void largePayload(String payload) {
			this.recorder.record("large.payload", payload);
		}

		@PigeonListener(channel = "large_items")
		void largeEvent(PigeonEvent<JsonNode> event) {
			this.recorder.record("large.event", event);
		}

	}

	static class OtherListeners {

		private final Recorder recorder;

		OtherListeners(Recorder recorder) {
			this.recorder = recorder;
		}

		@PigeonListener(channel = "Orders")
		void orders(String channel, String payload) {
			this.recorder.record("Orders", channel + "|" + payload);
		}

		@PigeonListener(channel = "${test.placeholder-channel}")
		void placeholder(String payload) {
			this.recorder.record("placeholder", payload);
		}

		@PigeonListener(channel = "failing")
		void thrower(String payload) {
			this.recorder.record("failing.thrower", payload);
			if (payload.startsWith("fail")) {
				throw new IllegalStateException("listener failed");
			}
		}

		@PigeonListener(channel = "failing")
		void other(String payload) {
			this.recorder.record("failing.other", payload);
		}

		@PigeonListener(channel = "interrupting")
		void interrupting(String payload) {
			this.recorder.record("interrupting", payload);
			Thread.currentThread().interrupt();
		}

		@PigeonListener(channel = "template")
		void template(Map<String, Object> payload) {
			this.recorder.record("template", payload);
		}

		@PigeonListener(channel = "ordered")
		void ordered(PigeonEvent<JsonNode> event) {
			this.recorder.record("ordered",
					new int[] { event.data().get("writer").intValue(), event.data().get("n").intValue() });
		}

		@PigeonListener(channel = "metered")
		void metered(PigeonEvent<JsonNode> event) {
			this.recorder.record("metered", event.action());
			if (event.data().has("fail")) {
				throw new IllegalStateException("metered failure");
			}
		}

	}

	static class TransactionalListener {

		private final Recorder recorder;

		TransactionalListener(Recorder recorder) {
			this.recorder = recorder;
		}

		@Transactional
		@PigeonListener(channel = "tx")
		public void inTransaction(String payload) {
			this.recorder.record("tx", TransactionSynchronizationManager.isActualTransactionActive());
		}

	}

	static class SlowListeners {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		private final Recorder recorder;

		SlowListeners(Recorder recorder) {
			this.recorder = recorder;
		}

		@PigeonListener(channel = "slow")
		void slow(String payload) throws InterruptedException {
			this.recorder.record("slow", payload);
			this.entered.countDown();
			this.release.await();
		}

		@PigeonListener(channel = "fast")
		void fast(String payload) {
			this.recorder.record("fast", payload);
		}

	}

}
