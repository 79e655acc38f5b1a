package io.pigeon.benchmark;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.pigeon.PigeonEvent;
import io.pigeon.PigeonListener;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The durable delivery benchmark: what the change log costs writers against Pigeon's notify
 * trigger (both wake-up modes), whether delivery keeps up with writers at their maximum rate,
 * live latency at 1,000 changes/s, catch-up speed over a backlog of 1,000,000 events with a
 * bounded heap, and the log's size under sustained writing and consuming, once normally and
 * once while another session holds a REPEATABLE READ transaction open.
 * <p>
 * Run with the benchmark profile ({@code ./mvnw -Pbenchmark -pl pigeon-spring-boot-autoconfigure
 * -am verify}, which runs it in a JVM of its own with {@code -Xmx256m}) or directly. Phases:
 * {@code -Dpigeon.bench.durable.phases=writer,keepup,latency,catchup,bloat}; the bloat runs last
 * {@code -Dpigeon.bench.bloat-seconds} (600 by default) each; {@code -Dpigeon.bench.scale}
 * shortens the other phases.
 */
public final class DurableBenchmark {

	private static final String SCHEMA = "pigeon_dbench";

	private static final String NOTIFY_TABLE = "\"" + SCHEMA + "\".\"items_notify\"";

	private static final String POLL_TABLE = "\"" + SCHEMA + "\".\"items_poll\"";

	private static final String WAKE_TABLE = "\"" + SCHEMA + "\".\"items_wake\"";

	private static final int WRITERS = 4;

	private static final int WRITER_ROUNDS = 6;

	private static final int WRITER_SECONDS = 4;

	private static final int CATCH_UP_EVENTS = 1_000_000;

	private static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

	private final BenchmarkDatabase database;

	private final LoadGenerator load;

	private final List<String> phases;

	private final double scale;

	private final int bloatSeconds;

	private final BenchmarkTable report = new BenchmarkTable();

	private DurableBenchmark(BenchmarkDatabase database) {
		this.database = database;
		this.load = new LoadGenerator(database, WRITERS);
		this.phases = List.of(System.getProperty("pigeon.bench.durable.phases", "writer,keepup,latency,catchup,bloat")
			.split(","));
		this.scale = Double.parseDouble(System.getProperty("pigeon.bench.scale", "1"));
		this.bloatSeconds = Integer.getInteger("pigeon.bench.bloat-seconds", 600);
	}

	public static void main(String[] args) throws Exception {
		BenchmarkDatabase database = BenchmarkDatabase.fromEnvironment();
		System.out.printf("Pigeon durable benchmark against %s (%d writers, %d cores, max heap %d MB)%n",
				database.url(), WRITERS, Runtime.getRuntime().availableProcessors(),
				Runtime.getRuntime().maxMemory() / (1024 * 1024));
		new DurableBenchmark(database).run();
		System.exit(0);
	}

	private int scaled(int amount) {
		return (int) Math.max(1, Math.round(amount * this.scale));
	}

	private void run() throws Exception {
		createTables();
		try {
			// Installs the three triggers (and the two logs) once; listeners start per phase.
			install();
			if (this.phases.contains("writer")) {
				writerCost();
			}
			if (this.phases.contains("keepup")) {
				keepUp();
			}
			if (this.phases.contains("latency")) {
				latency();
			}
			if (this.phases.contains("catchup")) {
				catchUp();
			}
			if (this.phases.contains("bloat")) {
				bloat();
			}
			this.report.print();
		}
		finally {
			this.database.execute("DROP SCHEMA IF EXISTS \"" + SCHEMA + "\" CASCADE",
					"DROP SCHEMA IF EXISTS \"" + SCHEMA + "_poll\" CASCADE",
					"DROP SCHEMA IF EXISTS \"" + SCHEMA + "_wake\" CASCADE");
		}
	}

	private void createTables() throws Exception {
		String columns = "(id bigserial PRIMARY KEY, writer int NOT NULL, wseq bigint NOT NULL, "
				+ "created_us bigint NOT NULL DEFAULT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)";
		this.database.execute("DROP SCHEMA IF EXISTS \"" + SCHEMA + "\" CASCADE",
				"DROP SCHEMA IF EXISTS \"" + SCHEMA + "_poll\" CASCADE",
				"DROP SCHEMA IF EXISTS \"" + SCHEMA + "_wake\" CASCADE", "CREATE SCHEMA \"" + SCHEMA + "\"",
				"CREATE SCHEMA \"" + SCHEMA + "_poll\"", "CREATE SCHEMA \"" + SCHEMA + "_wake\"",
				"CREATE TABLE " + NOTIFY_TABLE + " " + columns, "CREATE TABLE " + POLL_TABLE + " " + columns,
				"CREATE TABLE " + WAKE_TABLE + " " + columns);
	}

	private void install() {
		start(Mode.NOTIFY, false, Map.of()).close();
		start(Mode.POLL, false, Map.of()).close();
		start(Mode.WAKE, false, Map.of()).close();
	}

	/**
	 * Single-row commits and 100-row statements into the three tables, in paired rounds with
	 * the order rotating: the machine's speed drifts more between rounds than the triggers
	 * differ, so only ratios within a round mean something. No listener runs meanwhile.
	 */
	private void writerCost() throws Exception {
		System.out.printf("writer cost: %d rounds of %d s per table and workload%n", WRITER_ROUNDS, WRITER_SECONDS);
		double[][] single = new double[3][WRITER_ROUNDS];
		double[][] batched = new double[3][WRITER_ROUNDS];
		String[] tables = { NOTIFY_TABLE, POLL_TABLE, WAKE_TABLE };
		for (int round = 0; round < WRITER_ROUNDS; round++) {
			for (int i = 0; i < 3; i++) {
				int table = (i + round) % 3;
				single[table][round] = this.load.measureInsertTps(tables[table], WRITER_SECONDS);
				batched[table][round] = 100 * measureStatementRate(tables[table], WRITER_SECONDS);
			}
			this.database.execute("TRUNCATE " + NOTIFY_TABLE + ", " + POLL_TABLE + ", " + WAKE_TABLE);
		}
		this.report.row("writer single-row commits/s: notify trigger / durable poll / durable notify",
				String.format(Locale.ROOT, "%,.0f / %,.0f / %,.0f", BenchmarkTable.mean(single[0]), BenchmarkTable.mean(single[1]), BenchmarkTable.mean(single[2])),
				"", true);
		double pollSingle = BenchmarkTable.medianRatio(single[1], single[0]);
		double wakeSingle = BenchmarkTable.medianRatio(single[2], single[0]);
		double pollBatched = BenchmarkTable.medianRatio(batched[1], batched[0]);
		this.report.row("writer single-row, durable poll / notify trigger", BenchmarkTable.format(pollSingle), ">= 1.5", pollSingle >= 1.5);
		this.report.row("writer single-row, durable notify / notify trigger", BenchmarkTable.format(wakeSingle), ">= 0.85", wakeSingle >= 0.85);
		this.report.row("writer rows/s in 100-row statements: notify trigger / durable poll / durable notify",
				String.format(Locale.ROOT, "%,.0f / %,.0f / %,.0f", BenchmarkTable.mean(batched[0]), BenchmarkTable.mean(batched[1]),
						BenchmarkTable.mean(batched[2])),
				"", true);
		this.report.row("writer 100-row statements, durable poll / notify trigger", BenchmarkTable.format(pollBatched), ">= 0.9",
				pollBatched >= 0.9);
	}

	private double measureStatementRate(String table, int seconds) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		long start = System.nanoTime();
		AtomicLong statements = new AtomicLong();
		List<Thread> threads = new ArrayList<>();
		for (int writer = 0; writer < WRITERS; writer++) {
			int id = writer;
			Thread thread = new Thread(() -> {
				try (Connection connection = this.database.connect(); Statement statement = connection.createStatement()) {
					long seq = 0;
					while (System.nanoTime() < deadline) {
						statement.executeUpdate("INSERT INTO " + table + " (writer, wseq) SELECT " + id
								+ ", g FROM generate_series(" + seq + ", " + (seq + 99) + ") g");
						seq += 100;
						statements.incrementAndGet();
					}
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		return statements.get() / ((System.nanoTime() - start) / 1e9);
	}

	/**
	 * Writers at their maximum rate with both durable subscriptions consuming: everything
	 * delivered, and how long after the last write.
	 */
	private void keepUp() throws Exception {
		for (Mode mode : new Mode[] { Mode.POLL, Mode.WAKE }) {
			for (int rowsPerTransaction : new int[] { 1, 100 }) {
				int changes = scaled((rowsPerTransaction == 1) ? 20_000 : 200_000);
				LatencyRecorder recorder = new LatencyRecorder(changes, WRITERS);
				// A subscription of its own per run: what one run leaves unprocessed never reaches the next.
				Map<String, Object> subscription = Map.of("bench.subscription",
						"bench-keepup-" + mode.tableName + "-" + rowsPerTransaction);
				try (ConfigurableApplicationContext context = start(mode, true, subscription)) {
					context.getBean(BenchListener.class).recordInto(recorder);
					long started = System.nanoTime();
					long written = this.load.runFlatOut(mode.table, changes, rowsPerTransaction);
					double writeSeconds = (System.nanoTime() - started) / 1e9;
					boolean complete = await(recorder, written, Duration.ofSeconds(60));
					double drainSeconds = (recorder.lastReceivedNanos() - started) / 1e9 - writeSeconds;
					this.report.row(String.format(Locale.ROOT, "keep-up, %s, %d-row transactions: written/s, delivered, drained after",
							mode.label, rowsPerTransaction),
							String.format(Locale.ROOT, "%,.0f/s, %,d / %,d (%d out of order), %.2f s", written / writeSeconds,
									recorder.received(), written, recorder.outOfOrder(), Math.max(0, drainSeconds)),
							"all, in order, keeps up", complete && recorder.outOfOrder() == 0);
				}
			}
		}
	}

	private void latency() throws Exception {
		int seconds = scaled(20);
		for (Mode mode : new Mode[] { Mode.WAKE, Mode.POLL }) {
			LatencyRecorder recorder = new LatencyRecorder(1_000 * seconds, WRITERS);
			try (ConfigurableApplicationContext context = start(mode, true,
					Map.of("bench.subscription", "bench-latency-" + mode.tableName))) {
				context.getBean(BenchListener.class).recordInto(recorder);
				long written = this.load.runAtRate(mode.table, 1_000, seconds);
				boolean complete = await(recorder, written, Duration.ofSeconds(30));
				double p50 = recorder.percentileMillis(50);
				double p99 = recorder.percentileMillis(99);
				boolean met = complete && ((mode == Mode.WAKE) ? (p50 <= 5 && p99 <= 25)
						: p99 <= POLL_INTERVAL.toMillis() + 10);
				this.report.row("latency at 1,000 changes/s, " + mode.label + ": p50 / p99",
						String.format(Locale.ROOT, "%.2f / %.2f ms (%,d / %,d delivered)", p50, p99, recorder.received(),
								written),
						(mode == Mode.WAKE) ? "p50 <= 5 ms, p99 <= 25 ms" : "p99 <= poll-interval + 10 ms", met);
			}
		}
	}

	/**
	 * A backlog of a million events written while the subscription is stopped, then processed
	 * by a {@code (String payload)} listener.
	 */
	private void catchUp() throws Exception {
		int events = scaled(CATCH_UP_EVENTS);
		// registers the subscription at the end of the log, then stops it
		Map<String, Object> catchUp = Map.of("bench.payload-listener", "true", "bench.subscription", "bench-catch-up");
		start(Mode.WAKE, true, catchUp).close();
		try (Connection connection = this.database.connect(); Statement statement = connection.createStatement()) {
			for (int written = 0; written < events; written += 100_000) {
				int rows = Math.min(100_000, events - written);
				statement.executeUpdate("INSERT INTO " + WAKE_TABLE + " (writer, wseq) SELECT 0, g FROM generate_series("
						+ written + ", " + (written + rows - 1) + ") g");
			}
		}
		resetPeakHeap();
		PayloadCounter.count.set(0);
		long started = System.nanoTime();
		try (ConfigurableApplicationContext context = start(Mode.WAKE, true, catchUp)) {
			boolean complete = awaitCount(events, Duration.ofMinutes(5));
			double seconds = (System.nanoTime() - started) / 1e9;
			double rate = PayloadCounter.count.get() / seconds;
			this.report.row(String.format(Locale.ROOT, "catch-up of %,d events, (String payload) listener, heap max %d MB", events,
					Runtime.getRuntime().maxMemory() / (1024 * 1024)),
					String.format(Locale.ROOT, "%,.0f events/s (%,d in %.1f s, start-up included), peak heap %d MB", rate,
							PayloadCounter.count.get(), seconds, peakHeapMegabytes()),
					">= 50,000 events/s", complete && rate >= 50_000);
		}
	}

	/**
	 * Writing and consuming at 2,000 events/s with a short retention, once normally and once
	 * while another session holds a REPEATABLE READ snapshot for the whole run: the log's size
	 * over time, and delivery compared between the two.
	 */
	private void bloat() throws Exception {
		double normal = bloatRun(false);
		double heldBack = bloatRun(true);
		this.report.row("delivery under a held-back vacuum / normal", BenchmarkTable.format(heldBack / normal), ">= 0.9", heldBack / normal >= 0.9);
	}

	private double bloatRun(boolean holdSnapshot) throws Exception {
		String label = holdSnapshot ? "REPEATABLE READ snapshot held" : "normal";
		// Earlier phases' subscriptions would hold their unprocessed events back: only this run's counts.
		this.database.execute("DELETE FROM \"" + SCHEMA + "_wake\".\"pigeon_subscription\"",
				"DELETE FROM \"" + SCHEMA + "_wake\".\"pigeon_subscription_lease\"");
		Map<String, Object> properties = Map.of("pigeon.durable.retention", "30s",
				"pigeon.durable.maintenance-interval", "5s", "bench.subscription",
				holdSnapshot ? "bench-bloat-held" : "bench-bloat-normal");
		LatencyRecorder recorder = new LatencyRecorder(1, WRITERS);
		Connection holder = null;
		try (ConfigurableApplicationContext context = start(Mode.WAKE, true, properties)) {
			context.getBean(BenchListener.class).recordInto(recorder);
			if (holdSnapshot) {
				holder = this.database.connect();
				holder.setAutoCommit(false);
				holder.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
				try (Statement statement = holder.createStatement()) {
					statement.executeQuery("SELECT count(*) FROM " + WAKE_TABLE).close();
				}
			}
			List<String> sizes = new ArrayList<>();
			long started = System.nanoTime();
			Thread writer = new Thread(() -> {
				try {
					this.load.runAtRate(WAKE_TABLE, 2_000, this.bloatSeconds);
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			writer.start();
			int samples = 10;
			for (int sample = 1; sample <= samples; sample++) {
				writer.join(TimeUnit.SECONDS.toMillis(this.bloatSeconds) / samples);
				sizes.add(String.format(Locale.ROOT, "%ds: %s", (System.nanoTime() - started) / 1_000_000_000L,
						logSize()));
			}
			writer.join();
			long written = 2_000L * this.bloatSeconds;
			await(recorder, written - WRITERS, Duration.ofSeconds(60));
			double rate = recorder.received() / ((System.nanoTime() - started) / 1e9);
			this.report.row("log size over " + this.bloatSeconds + " s at 2,000 events/s, retention 30 s, " + label,
					String.join("; ", sizes), "bounded", true);
			this.report.row("delivered, " + label, String.format(Locale.ROOT, "%,d / %,d, %,.0f events/s", recorder.received(),
					written, rate), "all", recorder.received() >= written - WRITERS);
			return rate;
		}
		finally {
			if (holder != null) {
				holder.rollback();
				holder.close();
			}
		}
	}

	private String logSize() throws Exception {
		try (Connection connection = this.database.connect(); Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) "
						+ "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
						+ "WHERE n.nspname = '" + SCHEMA + "_wake' AND c.relkind = 'r' AND c.relname LIKE 'pigeon_log_%'")) {
			rs.next();
			return String.format(Locale.ROOT, "%.1f MB", rs.getLong(1) / (1024.0 * 1024.0));
		}
	}

	private ConfigurableApplicationContext start(Mode mode, boolean listen, Map<String, Object> extra) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.datasource.url", this.database.url());
		properties.put("spring.datasource.username", this.database.username());
		properties.put("spring.datasource.password", this.database.password());
		properties.put("spring.main.banner-mode", "off");
		properties.put("logging.level.root", "warn");
		properties.put("pigeon.listener.observation-enabled", false);
		properties.put("pigeon.install.schema", SCHEMA + mode.schemaSuffix);
		properties.put("pigeon.schemas[0].name", SCHEMA);
		properties.put("pigeon.schemas[0].tables[0].name", mode.tableName);
		properties.put("pigeon.schemas[0].tables[0].triggers[0].delivery", (mode == Mode.NOTIFY) ? "notify" : "durable");
		properties.put("pigeon.durable.wake-up", (mode == Mode.POLL) ? "poll" : "notify");
		properties.put("pigeon.durable.poll-interval", POLL_INTERVAL.toString());
		properties.put("pigeon.listener.enabled", listen);
		properties.put("bench.channel", mode.tableName);
		properties.put("bench.subscription", "bench-" + mode.tableName);
		properties.putAll(extra);
		Class<?> application = "true".equals(extra.get("bench.payload-listener")) ? PayloadApplication.class
				: BenchmarkApplication.class;
		return new SpringApplicationBuilder(application).web(WebApplicationType.NONE).properties(properties).run();
	}

	private static boolean await(LatencyRecorder recorder, long expected, Duration atMost) {
		try {
			Awaitility.await()
				.atMost(atMost)
				.pollDelay(Duration.ZERO)
				.pollInterval(Duration.ofMillis(10))
				.until(recorder::received, (received) -> received >= expected);
			return true;
		}
		catch (ConditionTimeoutException ex) {
			return false;
		}
	}

	private static boolean awaitCount(long expected, Duration atMost) {
		try {
			Awaitility.await()
				.atMost(atMost)
				.pollDelay(Duration.ZERO)
				.pollInterval(Duration.ofMillis(10))
				.until(PayloadCounter.count::get, (count) -> count >= expected);
			return true;
		}
		catch (ConditionTimeoutException ex) {
			return false;
		}
	}

	private static void resetPeakHeap() {
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			if (pool.getType() == MemoryType.HEAP) {
				pool.resetPeakUsage();
			}
		}
	}

	private static long peakHeapMegabytes() {
		long peak = 0;
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			if (pool.getType() == MemoryType.HEAP) {
				peak += pool.getPeakUsage().getUsed();
			}
		}
		return peak / (1024 * 1024);
	}

	private enum Mode {

		NOTIFY("items_notify", "", NOTIFY_TABLE, "Pigeon's notify trigger"),

		POLL("items_poll", "_poll", POLL_TABLE, "durable, wake-up: poll"),

		WAKE("items_wake", "_wake", WAKE_TABLE, "durable, wake-up: notify");

		final String tableName;

		final String schemaSuffix;

		final String table;

		final String label;

		Mode(String tableName, String schemaSuffix, String table, String label) {
			this.tableName = tableName;
			this.schemaSuffix = schemaSuffix;
			this.table = table;
			this.label = label;
		}

	}

	/**
	 * The application the benchmark starts: Pigeon's auto-configuration and one subscription
	 * that records latency and order.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class BenchmarkApplication {

		@Bean
		BenchListener benchListener() {
			return new BenchListener();
		}

	}

	/**
	 * Records every change delivered to it.
	 */
	static class BenchListener {

		private volatile LatencyRecorder recorder;

		void recordInto(LatencyRecorder recorder) {
			this.recorder = recorder;
		}

		@PigeonListener(channel = "${bench.channel}", id = "${bench.subscription}")
		public void onChange(PigeonEvent<BenchRow> event) {
			LatencyRecorder current = this.recorder;
			if (current != null) {
				current.record(event.data());
			}
		}

	}

	/**
	 * The catch-up application: a {@code (String payload)} subscription that only counts.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class PayloadApplication {

		@Bean
		PayloadCounter payloadCounter() {
			return new PayloadCounter();
		}

	}

	/**
	 * Counts the payloads delivered to it.
	 */
	static class PayloadCounter {

		static final AtomicLong count = new AtomicLong();

		@PigeonListener(channel = "${bench.channel}", id = "${bench.subscription}")
		public void onPayload(String payload) {
			count.incrementAndGet();
		}

	}

}
