package io.pigeon.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.pigeon.PigeonEvent;
import io.pigeon.PigeonListener;
import io.pigeon.internal.durable.DurableLogSql;
import io.pigeon.test.FreezableTcpProxy;
import io.pigeon.test.PigeonTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Durable subscriptions split into lanes by key, against PostgreSQL with the triggers Pigeon
 * installs: the lane key in the log, parallel delivery in per-key order, and lanes shared,
 * handed over and taken over between instances.
 */
class DurableLanesIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final int LANES = 8;

	private final PigeonTestDatabase database = PigeonTestDatabase.get();

	private final String schema = PigeonTestDatabase.uniqueName("pigeon_lanes");

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private JdbcTemplate jdbc;

	private DurableLogSql sql;

	@BeforeEach
	void createTables() {
		this.jdbc = new JdbcTemplate(new DriverManagerDataSource(this.database.getJdbcUrl(),
				this.database.getUsername(), this.database.getPassword()));
		this.jdbc.execute("CREATE SCHEMA " + this.schema);
		this.sql = new DurableLogSql(this.schema);
		// the installer runs once the application started, after the listeners registered
		this.jdbc.execute(this.sql.createObjects());
		this.jdbc.execute("CREATE TABLE " + this.schema + ".items (id int PRIMARY KEY, customer int NOT NULL, "
				+ "version int NOT NULL)");
		this.jdbc.execute("CREATE TABLE " + this.schema + ".visits (customer int NOT NULL, version int NOT NULL)");
		this.jdbc.execute("CREATE TABLE " + this.schema + ".effects (seq bigint GENERATED ALWAYS AS IDENTITY, "
				+ "event_id bigint NOT NULL, instance text NOT NULL, id int NOT NULL, version int NOT NULL)");
	}

	@AfterEach
	void dropTables() {
		for (int i = this.contexts.size() - 1; i >= 0; i--) {
			this.contexts.get(i).close();
		}
		this.jdbc.execute("DROP SCHEMA " + this.schema + " CASCADE");
	}

	private ConfigurableApplicationContext start(Class<?> configuration, String... properties) {
		List<String> all = new ArrayList<>(List.of("pigeon.install.mode=auto", "pigeon.install.schema=" + this.schema,
				"pigeon.schemas[0].name=" + this.schema, "pigeon.schemas[0].tables[0].name=items",
				"pigeon.schemas[0].tables[0].triggers[0].delivery=durable", "pigeon.durable.poll-interval=100ms",
				"pigeon.durable.lease-timeout=1500ms", "spring.datasource.hikari.maximum-pool-size=12",
				"pigeon.listener.shutdown-timeout=5s", "test.schema=" + this.schema));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = ListenerTestApplication.run(configuration, all.toArray(String[]::new));
		this.contexts.add(context);
		return context;
	}

	/**
	 * Write {@code keys} rows, then update each {@code versions - 1} times: every key's changes
	 * carry versions 1, 2, … in commit order.
	 */
	private void writeChanges(int keys, int versions) {
		this.jdbc.update("INSERT INTO " + this.schema + ".items SELECT k, k, 1 FROM generate_series(1, ?) k", keys);
		for (int v = 2; v <= versions; v++) {
			this.jdbc.update("UPDATE " + this.schema + ".items SET version = version + 1");
		}
	}

	private List<Map<String, Object>> leases(String subscription) {
		return this.jdbc.queryForList("SELECT lane, holder, generation FROM "
				+ this.sql.qualified(DurableLogSql.SUBSCRIPTION_LEASE) + " WHERE subscription = ? AND holder IS NOT NULL "
				+ "AND lease_until > clock_timestamp() ORDER BY lane", subscription);
	}

	private Map<String, Long> lanesByHolder(String subscription) {
		Map<String, Long> held = new LinkedHashMap<>();
		for (Map<String, Object> lease : leases(subscription)) {
			held.merge((String) lease.get("holder"), 1L, Long::sum);
		}
		return held;
	}

	@Test
	void durableTriggersWriteTheLaneKeyOfThePrimaryKeyOrOfTheConfiguredKey() {
		start(NoListener.class, "pigeon.schemas[0].tables[1].name=visits",
				"pigeon.schemas[0].tables[1].triggers[0].delivery=durable",
				"pigeon.schemas[0].tables[1].triggers[0].key=customer").close();
		this.jdbc.update("INSERT INTO " + this.schema + ".items VALUES (7, 1, 1), (8, 1, 1)");
		this.jdbc.update("UPDATE " + this.schema + ".items SET version = 2 WHERE id = 7");
		this.jdbc.update("DELETE FROM " + this.schema + ".items WHERE id = 8");
		this.jdbc.update("INSERT INTO " + this.schema + ".visits VALUES (42, 1)");
		List<String> keys = this.jdbc.queryForList("SELECT channel || ':' || (lane_key = hashtextextended("
				+ "CASE channel WHEN 'items' THEN '(' || (coalesce(payload::json -> 'data', payload::json -> 'old') "
				+ "->> 'id') || ')' ELSE '(42)' END, 0))::text FROM "
				+ this.sql.qualified(DurableLogSql.LOG) + " ORDER BY id", String.class);
		assertThat(keys).containsExactly("items:true", "items:true", "items:true", "items:true", "visits:true");
	}

	@Test
	void eightLanesDeliverEveryChangeInPerKeyOrderAtLeastFiveTimesFasterThanOne() {
		long one = deliverAll(1, "items-1");
		long eight = deliverAll(LANES, "items-8");
		assertThat(eight * 5).as("8 lanes took %d ms, 1 lane %d ms", eight, one).isLessThanOrEqualTo(one);
	}

	/**
	 * Deliver 800 changes over 400 keys (the listener taking 20 ms each) with a number of
	 * lanes, and return how long it took. The keys' hashes fill the 8 lanes with 42 to 59
	 * keys: a balance that lets 8 lanes be about 6.8 times as fast as one.
	 */
	private long deliverAll(int lanes, String id) {
		ConfigurableApplicationContext context = start(Listener.class, "test.concurrency=" + lanes,
				"test.id=" + id);
		Items items = context.getBean(Items.class);
		await().atMost(TIMEOUT).until(() -> leases(id).size() == lanes);
		if (lanes > 1) {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(
					meters.get("pigeon.durable.lanes.held").tag("subscription", id).gauge().value())
				.isEqualTo(lanes));
		}
		long started = System.nanoTime();
		writeChanges(400, 2);
		await().atMost(TIMEOUT.multipliedBy(2)).until(() -> items.delivered.get() >= 800);
		long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
		assertThat(items.delivered).hasValue(800);
		assertThat(items.versions).hasSize(400);
		items.versions.forEach((key, versions) -> assertThat(versions).as("key %d", key).containsExactly(1, 2));
		context.close();
		this.jdbc.update("TRUNCATE " + this.schema + ".items");
		return millis;
	}

	@Test
	void instancesShareTheLanesHandThemOverAndTakeThemOverKeepingPerKeyOrderExactlyOnce() {
		String[] shared = { "test.concurrency=" + LANES, "test.id=items-shared", "test.transactional=true",
				"test.record=true" };
		ConfigurableApplicationContext a = start(Listener.class, concat(shared, "test.instance=a"));
		start(Listener.class, concat(shared, "test.instance=b"));
		await().atMost(TIMEOUT).untilAsserted(
				() -> assertThat(lanesByHolder("items-shared").values()).containsExactlyInAnyOrder(4L, 4L));
		writeChanges(40, 5);
		await().atMost(TIMEOUT).until(() -> effects("instance = 'a'") >= 10);
		// a stops cleanly in the middle: b takes its lanes over
		a.close();
		await().atMost(TIMEOUT).untilAsserted(
				() -> assertThat(lanesByHolder("items-shared").values()).containsExactly((long) LANES));
		// c joins: b hands half of its lanes over
		start(Listener.class, concat(shared, "test.instance=c"));
		await().atMost(TIMEOUT).untilAsserted(
				() -> assertThat(lanesByHolder("items-shared").values()).containsExactlyInAnyOrder(4L, 4L));
		for (int v = 6; v <= 10; v++) {
			this.jdbc.update("UPDATE " + this.schema + ".items SET version = version + 1");
		}
		await().atMost(TIMEOUT).until(() -> effects("true") >= 400);
		// exactly once: each event's effect committed once, with its acknowledgement
		assertThat(this.jdbc.queryForObject("SELECT count(DISTINCT event_id) FROM " + this.schema + ".effects",
				Integer.class)).isEqualTo(400);
		assertThat(effects("true")).isEqualTo(400);
		// per-key order, in the order the effects committed
		List<String> outOfOrder = this.jdbc.queryForList("SELECT id || ':' || version FROM (SELECT id, version, "
				+ "lag(version) OVER (PARTITION BY id ORDER BY seq) AS previous FROM " + this.schema + ".effects) e "
				+ "WHERE version <> coalesce(previous, 0) + 1", String.class);
		assertThat(outOfOrder).isEmpty();
		assertThat(this.jdbc.queryForList("SELECT DISTINCT instance FROM " + this.schema + ".effects ORDER BY 1",
				String.class)).containsExactly("a", "b", "c");
		// a lane passes from one instance to another only through a new lease generation: the
		// runs of one instance in a lane's effects are at most its generations
		List<Map<String, Object>> runs = this.jdbc.queryForList("SELECT r.lane, r.runs, l.generation FROM (SELECT lane, "
				+ "count(*) FILTER (WHERE instance IS DISTINCT FROM previous) AS runs FROM (SELECT "
				+ "mod(mod(g.lane_key, 8) + 8, 8) AS lane, e.instance, lag(e.instance) OVER (PARTITION BY "
				+ "mod(mod(g.lane_key, 8) + 8, 8) ORDER BY e.seq) AS previous FROM " + this.schema + ".effects e JOIN "
				+ this.sql.qualified(DurableLogSql.LOG) + " g ON g.id = e.event_id) x GROUP BY lane) r JOIN "
				+ this.sql.qualified(DurableLogSql.SUBSCRIPTION_LEASE) + " l ON l.subscription = 'items-shared' "
				+ "AND l.lane = r.lane");
		assertThat(runs).isNotEmpty().allSatisfy((lane) -> assertThat(((Number) lane.get("runs")).longValue())
			.as("lane %s", lane.get("lane"))
			.isLessThanOrEqualTo(((Number) lane.get("generation")).longValue()));
	}

	@Test
	void lanesOfAnInstanceThatHangsAreTakenOverOnceTheirLeasesEnd() throws Exception {
		String[] shared = { "test.concurrency=" + LANES, "test.id=items-shared", "test.transactional=true",
				"test.record=true" };
		try (FreezableTcpProxy proxy = FreezableTcpProxy.forJdbcUrl(this.database.getJdbcUrl())) {
			start(Listener.class, concat(shared, "test.instance=a",
					// a hung holder's open transaction would keep the lease row locked (its fence)
					// until PostgreSQL ends it: idle_in_transaction_session_timeout does
					"spring.datasource.url=" + proxy.proxiedUrl(this.database.getJdbcUrl())
							+ "?socketTimeout=1&options=-c%20idle_in_transaction_session_timeout%3D1000",
					"spring.datasource.hikari.connection-timeout=500"));
			start(Listener.class, concat(shared, "test.instance=b"));
			await().atMost(TIMEOUT).untilAsserted(
					() -> assertThat(lanesByHolder("items-shared").values()).containsExactlyInAnyOrder(4L, 4L));
			writeChanges(40, 2);
			await().atMost(TIMEOUT).until(() -> effects("instance = 'a'") >= 5);
			proxy.freeze();
			long frozen = System.nanoTime();
			// the lease timeout (1.5 s) or the idle transaction's (1 s), then b's next heartbeat and poll
			await().atMost(Duration.ofSeconds(10)).untilAsserted(
					() -> assertThat(lanesByHolder("items-shared").values()).containsExactly((long) LANES));
			assertThat(Duration.ofNanos(System.nanoTime() - frozen)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
			for (int v = 3; v <= 4; v++) {
				this.jdbc.update("UPDATE " + this.schema + ".items SET version = version + 1");
			}
			await().atMost(TIMEOUT).until(() -> effects("true") >= 160);
			proxy.unfreeze();
			// a finds its leases taken: fenced, it delivers nothing more
			await().during(Duration.ofSeconds(1)).atMost(TIMEOUT).until(() -> effects("true") == 160);
		}
		assertThat(this.jdbc.queryForObject("SELECT count(DISTINCT event_id) FROM " + this.schema + ".effects",
				Integer.class)).isEqualTo(160);
		assertThat(this.jdbc.queryForList("SELECT id || ':' || version FROM (SELECT id, version, "
				+ "lag(version) OVER (PARTITION BY id ORDER BY seq) AS previous FROM " + this.schema + ".effects) e "
				+ "WHERE version <> coalesce(previous, 0) + 1", String.class)).isEmpty();
	}

	@Test
	void aFailingEventHoldsBackOnlyTheKeysOfItsLane() {
		Items items = start(Listener.class, "pigeon.durable.retry.max-attempts=1000",
				"pigeon.durable.retry.initial-backoff=20ms", "pigeon.durable.retry.max-backoff=50ms")
			.getBean(Items.class);
		await().atMost(TIMEOUT).until(() -> leases("items").size() == LANES);
		items.failing = 1;
		writeChanges(40, 1);
		List<Integer> otherLanes = this.jdbc.queryForList("SELECT k FROM generate_series(1, 40) k WHERE "
				+ "mod(mod(hashtextextended('(' || k || ')', 0), 8) + 8, 8) <> mod(mod(hashtextextended('(1)', 0), 8) "
				+ "+ 8, 8)", Integer.class);
		assertThat(otherLanes).hasSizeBetween(20, 39);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(items.versions).containsOnlyKeys(otherLanes));
		await().during(Duration.ofMillis(500)).atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(items.versions).containsOnlyKeys(otherLanes));
		items.failing = null;
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(items.versions).hasSize(40));
	}

	private int effects(String condition) {
		return this.jdbc.queryForObject("SELECT count(*) FROM " + this.schema + ".effects WHERE " + condition,
				Integer.class);
	}

	@Test
	void lanesOnATableWithoutPrimaryKeyOrKeyFailStartUp() {
		assertThatException()
			.isThrownBy(() -> start(Listener.class, "pigeon.schemas[0].tables[0].name=visits", "test.channel=visits",
					"test.concurrency=4"))
			.satisfies((ex) -> assertThat(NestedExceptionUtils.getMostSpecificCause(ex).getMessage())
				.contains("subscription 'items' has concurrency 4, but the table \"" + this.schema
						+ "\".\"visits\" of pigeon.schemas[0].tables[0].triggers[0] has no primary key")
				.contains("set pigeon.schemas[0].tables[0].triggers[0].key"));
		start(Listener.class, "pigeon.schemas[0].tables[0].name=visits", "test.channel=visits", "test.concurrency=4",
				"pigeon.schemas[0].tables[0].triggers[0].key=customer");
	}

	@Test
	void changingTheNumberOfLanesOfASubscriptionFailsStartUpTellingHowToReset() {
		start(Listener.class, "test.concurrency=4").close();
		assertThatException().isThrownBy(() -> start(Listener.class, "test.concurrency=2"))
			.satisfies((ex) -> assertThat(NestedExceptionUtils.getMostSpecificCause(ex).getMessage())
				.contains("is the durable subscription 'items' with concurrency 2, but it is registered with 4 "
						+ "lane(s)")
				.contains("DELETE FROM"));
		start(Listener.class, "test.concurrency=4");
	}

	private static String[] concat(String[] first, String... more) {
		List<String> all = new ArrayList<>(List.of(first));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	@Configuration(proxyBeanMethods = false)
	@Import(ListenerTestApplication.class)
	static class NoListener {

	}

	@Configuration(proxyBeanMethods = false)
	@Import(ListenerTestApplication.class)
	static class Listener {

		@Bean
		Items items(DataSource dataSource) {
			return new Items(new JdbcTemplate(dataSource));
		}

	}

	record Item(int id, int version) {
	}

	static class Items {

		private final JdbcTemplate jdbc;

		@Value("${test.instance:a}")
		String instance;

		@Value("${test.schema}")
		String schema;

		@Value("${test.record:false}")
		boolean record;

		final Map<Integer, List<Integer>> versions = new ConcurrentHashMap<>();

		final AtomicInteger delivered = new AtomicInteger();

		volatile Integer failing;

		Items(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@PigeonListener(id = "${test.id:items}", channel = "${test.channel:items}",
				concurrency = "${test.concurrency:8}", transactional = "${test.transactional:false}")
		void on(PigeonEvent<Item> event) throws InterruptedException {
			Item item = event.data();
			Integer failing = this.failing;
			if (failing != null && failing == item.id()) {
				throw new IllegalStateException("failing " + failing);
			}
			// the listener's work: 20 ms a change
			Thread.sleep(20);
			if (this.record) {
				this.jdbc.update("INSERT INTO " + this.schema + ".effects (event_id, instance, id, version) "
						+ "VALUES (?, ?, ?, ?)", event.id(), this.instance, item.id(), item.version());
			}
			else {
				this.versions.computeIfAbsent(item.id(), (id) -> new CopyOnWriteArrayList<>()).add(item.version());
			}
			this.delivered.incrementAndGet();
		}

	}

}
