package io.pigeon.autoconfigure;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.pigeon.PigeonEvent;
import io.pigeon.PigeonListener;
import io.pigeon.PigeonNonRetryableException;
import io.pigeon.PigeonSubscriptionGapEvent;
import io.pigeon.internal.durable.DurableLogSql;
import io.pigeon.internal.listener.InvalidPigeonListenerException;
import io.pigeon.test.DurableLogWriter;
import io.pigeon.test.FreezableTcpProxy;
import io.pigeon.test.PigeonTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Durable delivery against PostgreSQL, with events written into the log as durable triggers
 * write them: catch-up, commit order, fan-out, retries, dead letters and redrive,
 * transactions, batches, take-over between instances and database failures.
 */
class DurableDeliveryIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final String CHANNEL = "orders";

	private final PigeonTestDatabase database = PigeonTestDatabase.get();

	private final String schema = PigeonTestDatabase.uniqueName("pigeon_durable");

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private JdbcTemplate jdbc;

	private DurableLogSql sql;

	private DurableLogWriter log;

	@BeforeEach
	void createLog() {
		this.jdbc = new JdbcTemplate(new DriverManagerDataSource(this.database.getJdbcUrl(),
				this.database.getUsername(), this.database.getPassword()));
		this.jdbc.execute("CREATE SCHEMA " + this.schema);
		this.sql = new DurableLogSql(this.schema);
		this.jdbc.execute(this.sql.createObjects());
		this.jdbc.execute("CREATE TABLE " + this.schema + ".effects (event_id bigint NOT NULL, attempt int NOT NULL)");
		this.log = new DurableLogWriter(this.database, this.sql);
	}

	@AfterEach
	void dropLog() {
		for (int i = this.contexts.size() - 1; i >= 0; i--) {
			this.contexts.get(i).close();
		}
		this.jdbc.execute("DROP SCHEMA " + this.schema + " CASCADE");
	}

	private ConfigurableApplicationContext start(Class<?> configuration, String... properties) {
		List<String> all = new ArrayList<>(List.of("pigeon.install.schema=" + this.schema,
				"pigeon.durable.channels=" + CHANNEL, "pigeon.durable.poll-interval=100ms",
				"pigeon.durable.lease-timeout=2s", "pigeon.durable.retry.max-attempts=5",
				"pigeon.durable.retry.initial-backoff=20ms", "pigeon.durable.retry.max-backoff=50ms",
				"pigeon.listener.reconnect.initial-backoff=50ms", "pigeon.listener.reconnect.max-backoff=200ms",
				"test.schema=" + this.schema));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = ListenerTestApplication.run(configuration, all.toArray(String[]::new));
		this.contexts.add(context);
		return context;
	}

	private long write(int n) throws Exception {
		return this.log.write(CHANNEL, "{\"n\":" + n + "}");
	}

	private long write(String data) throws Exception {
		return this.log.write(CHANNEL, data);
	}

	private String holder() {
		List<String> holders = this.jdbc.queryForList("SELECT holder FROM " + this.sql.qualified(
				DurableLogSql.SUBSCRIPTION_LEASE) + " WHERE subscription = 'orders'", String.class);
		return holders.isEmpty() ? null : holders.get(0);
	}

	@Test
	void eventsWrittenWhileTheApplicationWasStoppedAreDeliveredInOrderWithTheirIds() throws Exception {
		start(OneListener.class).close();
		long first = write(1);
		write(2);
		write(3);
		Orders orders = start(OneListener.class).getBean(Orders.class);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(orders.seen).containsExactly("1@1", "2@1", "3@1"));
		assertThat(orders.events.get(0).id()).isEqualTo(first);
		assertThat(orders.events.get(0).data()).containsEntry("n", 1);
		// Registered at the end of the log: a new subscription does not receive older events.
		assertThat(this.jdbc.queryForObject("SELECT count(*) FROM " + this.sql.qualified(DurableLogSql.SUBSCRIPTION),
				Integer.class)).isOne();
	}

	@Test
	void startFromEarliestReadsEventsOlderThanTheSubscription() throws Exception {
		write(1);
		Orders orders = start(OneListener.class, "pigeon.durable.start-from=earliest").getBean(Orders.class);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(orders.seen).containsExactly("1@1"));
	}

	@Test
	void transactionThatWritesFirstAndCommitsAfterLaterOnesWereDeliveredIsDelivered() throws Exception {
		Orders orders = start(OneListener.class).getBean(Orders.class);
		try (Connection a = this.database.connect()) {
			a.setAutoCommit(false);
			this.log.write(a, CHANNEL, "{\"n\":1}");
			write(2);
			write(3);
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(orders.seen).containsExactly("2@1", "3@1"));
			a.commit();
		}
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(orders.seen).containsExactly("2@1", "3@1", "1@1"));
	}

	@Test
	void twoMethodsOnAChannelAreTwoSubscriptionsAndASlowOneDoesNotDelayTheOther() throws Exception {
		ConfigurableApplicationContext context = start(FanOut.class);
		FanOutListeners listeners = context.getBean(FanOutListeners.class);
		write(1);
		write(2);
		write(3);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(listeners.fast).containsExactly(1, 2, 3));
		assertThat(listeners.slow).hasSizeLessThanOrEqualTo(1);
		listeners.release.countDown();
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(listeners.slow).containsExactly(1, 2, 3));
		assertThat(this.jdbc.queryForList("SELECT id FROM " + this.sql.qualified(DurableLogSql.SUBSCRIPTION)
				+ " ORDER BY id", String.class)).containsExactly("fast", "slow");
	}

	@Test
	void failingThreeTimesThenSucceedingIsDeliveredWithAttemptFourBeforeAnyLaterEvent() throws Exception {
		ConfigurableApplicationContext context = start(OneListener.class);
		Orders orders = context.getBean(Orders.class);
		write("{\"n\":1,\"fail\":3}");
		write(2);
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(orders.seen).containsExactly("1@1", "1@2", "1@3", "1@4", "2@1"));
		assertThat(orders.errors).hasSize(3);
		MeterRegistry meters = context.getBean(MeterRegistry.class);
		assertThat(meters.get("pigeon.durable.retries").tag("subscription", "orders").counter().count()).isEqualTo(3);
		assertThat(meters.get("pigeon.durable.events.processed").tag("channel", CHANNEL).counter().count())
			.isEqualTo(2);
		assertThat(meters.get("pigeon.durable.processing").timer().count()).isEqualTo(5);
		assertThat(deadLetters()).isZero();
	}

	@Test
	void alwaysFailingEventGoesToTheDeadLettersAfterMaxAttemptsAndIsRedrivenOnRequest() throws Exception {
		ConfigurableApplicationContext context = start(OneListener.class, "pigeon.durable.retry.max-attempts=3");
		Orders orders = context.getBean(Orders.class);
		long failing = write("{\"n\":1,\"fail\":-1}");
		write(2);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(orders.seen).containsExactly("1@1", "1@2", "1@3", "2@1"));
		Map<String, Object> deadLetter = this.jdbc.queryForMap("SELECT * FROM "
				+ this.sql.qualified(DurableLogSql.DEAD_LETTER));
		assertThat(deadLetter).containsEntry("event_id", failing)
			.containsEntry("subscription", "orders")
			.containsEntry("attempts", 3)
			.containsEntry("exception_class", IllegalStateException.class.getName())
			.containsEntry("exception_message", "failing 1");
		assertThat((String) deadLetter.get("stack_trace")).contains("Orders.on");
		assertThat(context.getBean(MeterRegistry.class).get("pigeon.durable.dead.letters").counter().count())
			.isEqualTo(1);
		orders.healed = true;
		this.jdbc.update("UPDATE " + this.sql.qualified(DurableLogSql.DEAD_LETTER) + " SET redrive_requested_at = now()");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(deadLetters()).isZero());
		assertThat(orders.seen).containsExactly("1@1", "1@2", "1@3", "2@1", "1@4");
	}

	@Test
	void nonRetryableFailureGoesToTheDeadLettersAtOnce() throws Exception {
		Orders orders = start(OneListener.class).getBean(Orders.class);
		write("{\"n\":1,\"nonRetryable\":true}");
		write(2);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(orders.seen).containsExactly("1@1", "2@1"));
		assertThat(this.jdbc.queryForObject("SELECT attempts FROM " + this.sql.qualified(DurableLogSql.DEAD_LETTER),
				Integer.class)).isOne();
	}

	@Test
	void transactionalListenerIsRolledBackOnFailureAndLeavesExactlyOneEffectPerEvent() throws Exception {
		Effects effects = start(TransactionalListener.class).getBean(Effects.class);
		long first = write(1);
		long second = write(2);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(effects.calls).hasSize(4));
		assertThat(this.jdbc.queryForList("SELECT event_id FROM " + this.schema + ".effects ORDER BY event_id",
				Long.class)).containsExactly(first, second);
		assertThat(this.jdbc.queryForList("SELECT attempt FROM " + this.schema + ".effects", Integer.class))
			.containsOnly(2);
	}

	@Test
	void transactionalTrueWithoutATransactionManagerFailsStartUp() {
		assertThatException().isThrownBy(() -> start(OneListener.class, "test.transactional=true",
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration"))
			.satisfies((ex) -> assertThat(NestedExceptionUtils.getMostSpecificCause(ex))
				.isInstanceOf(InvalidPigeonListenerException.class)
				.hasMessageContaining("no PlatformTransactionManager for Pigeon's DataSource"));
	}

	@Test
	void batchListenerReceivesAPageAtATime() throws Exception {
		Batches batches = start(BatchListener.class, "pigeon.durable.batch-size=3").getBean(Batches.class);
		try (Connection connection = this.database.connect()) {
			connection.setAutoCommit(false);
			for (int n = 1; n <= 5; n++) {
				this.log.write(connection, CHANNEL, "{\"n\":" + n + "}");
			}
			connection.commit();
		}
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(batches.batches).containsExactly(List.of(1, 2, 3), List.of(4, 5)));
	}

	@Test
	void batchListenerOnANotifyChannelFailsStartUp() {
		assertThatException().isThrownBy(() -> start(BatchListener.class, "pigeon.durable.channels=other"))
			.satisfies((ex) -> assertThat(NestedExceptionUtils.getMostSpecificCause(ex))
				.isInstanceOf(InvalidPigeonListenerException.class)
				.hasMessageContaining("only durable channels deliver"));
	}

	@Test
	void subscriptionIdRegisteredForAnotherChannelFailsStartUp() {
		this.jdbc.update(this.sql.registerSubscription(), "orders", 0, "invoices", "1:1:", 0);
		assertThatException().isThrownBy(() -> start(OneListener.class))
			.havingRootCause()
			.isInstanceOf(InvalidPigeonListenerException.class)
			.withMessageContaining("registered for channel 'invoices'");
	}

	@Test
	void standbyTakesOverWithinASecondWhenTheHolderStops() throws Exception {
		ConfigurableApplicationContext first = start(OneListener.class, "pigeon.durable.poll-interval=5s");
		await().atMost(TIMEOUT).until(() -> holder() != null);
		ConfigurableApplicationContext second = start(OneListener.class, "pigeon.durable.poll-interval=5s");
		write(1);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(first.getBean(Orders.class).seen).containsExactly("1@1"));
		first.close();
		long closed = System.nanoTime();
		await().atMost(Duration.ofSeconds(3)).until(() -> holder() != null);
		assertThat(Duration.ofNanos(System.nanoTime() - closed)).isLessThan(Duration.ofMillis(1500));
		write(2);
		await().atMost(Duration.ofSeconds(3))
			.untilAsserted(() -> assertThat(second.getBean(Orders.class).seen).containsExactly("2@1"));
	}

	@Test
	void standbyTakesOverWhenTheHolderCannotRenewItsLeaseAndTheHolderStopsDelivering() throws Exception {
		try (FreezableTcpProxy proxy = FreezableTcpProxy.forJdbcUrl(this.database.getJdbcUrl())) {
			ConfigurableApplicationContext first = start(OneListener.class,
					"spring.datasource.url=" + withSocketTimeout(proxy.proxiedUrl(this.database.getJdbcUrl())),
					"spring.datasource.hikari.connection-timeout=500");
			await().atMost(TIMEOUT).until(() -> holder() != null);
			String firstHolder = holder();
			ConfigurableApplicationContext second = start(OneListener.class);
			proxy.freeze();
			await().atMost(TIMEOUT).until(() -> holder() != null && !holder().equals(firstHolder));
			write(1);
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(second.getBean(Orders.class).seen).containsExactly("1@1"));
			proxy.unfreeze();
			write(2);
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(second.getBean(Orders.class).seen).containsExactly("1@1", "2@1"));
			assertThat(first.getBean(Orders.class).seen).isEmpty();
			first.close();
		}
	}

	@Test
	void terminatedBackendsLoseNothing() throws Exception {
		ConfigurableApplicationContext context = start(OneListener.class,
				"spring.datasource.hikari.data-source-properties.ApplicationName=pigeon-durable-test");
		Orders orders = context.getBean(Orders.class);
		for (int n = 1; n <= 3; n++) {
			write(n);
		}
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(orders.seen).contains("3@1"));
		this.jdbc.queryForList("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
				+ "WHERE application_name = 'pigeon-durable-test' OR query LIKE 'LISTEN%pigeon_durable%'");
		for (int n = 4; n <= 6; n++) {
			write(n);
		}
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(orders.seen).containsSubsequence("1@1", "2@1", "3@1", "4@1", "5@1", "6@1"));
	}

	@Test
	void refusedConnectionsDelayDeliveryButLoseNothing() throws Exception {
		try (FreezableTcpProxy proxy = FreezableTcpProxy.forJdbcUrl(this.database.getJdbcUrl())) {
			Orders orders = start(OneListener.class,
					"spring.datasource.url=" + proxy.proxiedUrl(this.database.getJdbcUrl()),
					"spring.datasource.hikari.connection-timeout=500").getBean(Orders.class);
			write(1);
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(orders.seen).containsExactly("1@1"));
			proxy.refuse();
			write(2);
			write(3);
			proxy.accept();
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(orders.seen).containsExactly("1@1", "2@1", "3@1"));
		}
	}

	@Test
	void transactionalListenerWhoseLeaseWasTakenOverIsRolledBackAndStopsDelivering() throws Exception {
		ConfigurableApplicationContext context = start(TransactionalListener.class);
		Effects effects = context.getBean(Effects.class);
		effects.hold = new CountDownLatch(1);
		long event = write(1);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(effects.calls).containsExactly(event + "@1"));
		// Another instance takes the subscription over while the call is in progress.
		this.jdbc.update("UPDATE " + this.sql.qualified(DurableLogSql.SUBSCRIPTION_LEASE) + " SET holder = 'intruder', "
				+ "generation = generation + 1, lease_until = clock_timestamp() + interval '1 hour'");
		effects.hold.countDown();
		write(2);
		await().during(Duration.ofMillis(500)).atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(effects.calls).containsExactly(event + "@1");
			assertThat(this.jdbc.queryForObject("SELECT count(*) FROM " + this.schema + ".effects", Integer.class))
				.isZero();
		});
		assertThat(this.jdbc.queryForObject("SELECT lower_id FROM " + this.sql.qualified(DurableLogSql.SUBSCRIPTION),
				Long.class)).isLessThan(event);
	}

	@Test
	void missedEventsAreAnnouncedWhenTheSubscriptionIsTakenUpAgain() throws Exception {
		start(OneListener.class).close();
		this.jdbc.update("INSERT INTO " + this.sql.qualified(DurableLogSql.LOG_TRUNCATION)
				+ " (slot, channel, events, min_id, max_id, min_created_at, max_created_at, closed_xmax) "
				+ "VALUES (1, ?, 7, 10, 16, now(), now(), pg_current_xact_id())", CHANNEL);
		Gaps gaps = start(OneListener.class).getBean(Gaps.class);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(gaps.events).hasSize(1));
		PigeonSubscriptionGapEvent gap = gaps.events.get(0);
		assertThat(gap.getSubscription()).isEqualTo("orders");
		assertThat(gap.getChannel()).isEqualTo(CHANNEL);
		assertThat(gap.getEvents()).isEqualTo(7);
		assertThat(gap.getFirstEventId()).isEqualTo(10);
		assertThat(gap.getLastEventId()).isEqualTo(16);
	}

	private static String withSocketTimeout(String url) {
		return url + (url.contains("?") ? "&" : "?") + "socketTimeout=1";
	}

	private int deadLetters() {
		return this.jdbc.queryForObject("SELECT count(*) FROM " + this.sql.qualified(DurableLogSql.DEAD_LETTER),
				Integer.class);
	}

	@Configuration(proxyBeanMethods = false)
	@Import(ListenerTestApplication.class)
	static class OneListener {

		@Bean
		Orders orders() {
			return new Orders();
		}

		@Bean
		Gaps gaps() {
			return new Gaps();
		}

	}

	static class Orders {

		final List<String> seen = new CopyOnWriteArrayList<>();

		final List<PigeonEvent<Map<String, Object>>> events = new CopyOnWriteArrayList<>();

		final List<Throwable> errors = new CopyOnWriteArrayList<>();

		volatile boolean healed;

		@PigeonListener(id = "orders", channel = "orders", transactional = "${test.transactional:false}")
		void on(PigeonEvent<Map<String, Object>> event) {
			Map<String, Object> data = event.data();
			int n = ((Number) data.get("n")).intValue();
			this.seen.add(n + "@" + event.attempt());
			this.events.add(event);
			if (this.healed) {
				return;
			}
			if (data.containsKey("nonRetryable")) {
				throw new PigeonNonRetryableException("cannot process " + n);
			}
			int fail = data.containsKey("fail") ? ((Number) data.get("fail")).intValue() : 0;
			if (fail < 0 || event.attempt() <= fail) {
				IllegalStateException failure = new IllegalStateException("failing " + n);
				this.errors.add(failure);
				throw failure;
			}
		}

	}

	static class Gaps {

		final List<PigeonSubscriptionGapEvent> events = new CopyOnWriteArrayList<>();

		@EventListener
		void on(PigeonSubscriptionGapEvent event) {
			this.events.add(event);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(ListenerTestApplication.class)
	static class FanOut {

		@Bean
		FanOutListeners fanOutListeners() {
			return new FanOutListeners();
		}

	}

	static class FanOutListeners {

		final List<Integer> fast = new CopyOnWriteArrayList<>();

		final List<Integer> slow = new CopyOnWriteArrayList<>();

		final CountDownLatch release = new CountDownLatch(1);

		@PigeonListener(id = "fast", channel = "orders")
		void fast(Map<String, Object> data) {
			this.fast.add(((Number) data.get("n")).intValue());
		}

		@PigeonListener(id = "slow", channel = "orders")
		void slow(Map<String, Object> data) throws InterruptedException {
			this.slow.add(((Number) data.get("n")).intValue());
			this.release.await(30, TimeUnit.SECONDS);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(ListenerTestApplication.class)
	static class TransactionalListener {

		@Bean
		Effects effects(org.springframework.core.env.Environment environment, javax.sql.DataSource dataSource) {
			return new Effects(new JdbcTemplate(dataSource), environment.getRequiredProperty("test.schema"));
		}

	}

	static class Effects {

		final List<String> calls = new CopyOnWriteArrayList<>();

		volatile CountDownLatch hold;

		private final JdbcTemplate jdbc;

		private final String schema;

		Effects(JdbcTemplate jdbc, String schema) {
			this.jdbc = jdbc;
			this.schema = schema;
		}

		// transactional left empty: the application's DataSourceTransactionManager makes it so
		@PigeonListener(id = "effects", channel = "orders")
		void on(PigeonEvent<Map<String, Object>> event) {
			this.calls.add(event.id() + "@" + event.attempt());
			this.jdbc.update("INSERT INTO " + this.schema + ".effects (event_id, attempt) VALUES (?, ?)", event.id(),
					event.attempt());
			CountDownLatch hold = this.hold;
			if (hold != null) {
				try {
					hold.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return;
			}
			if (event.attempt() == 1) {
				throw new IllegalStateException("after the insert");
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(ListenerTestApplication.class)
	static class BatchListener {

		@Bean
		Batches batches() {
			return new Batches();
		}

	}

	static class Batches {

		final List<List<Integer>> batches = new CopyOnWriteArrayList<>();

		@PigeonListener(id = "batches", channel = "orders")
		void on(List<PigeonEvent<Map<String, Object>>> events) {
			this.batches.add(events.stream().map((event) -> ((Number) event.data().get("n")).intValue()).toList());
		}

	}

}
