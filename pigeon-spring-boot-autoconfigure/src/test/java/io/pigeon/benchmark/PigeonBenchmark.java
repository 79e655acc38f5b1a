package io.pigeon.benchmark;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.pigeon.PigeonEvent;
import io.pigeon.PigeonListener;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Measures Pigeon against the plain pgjdbc listener loop, both listening at once to the same
 * trigger-generated notifications, and the cost of Pigeon's trigger to writers against a minimal notify trigger. Run it
 * with {@code ./mvnw -Pbenchmark -pl pigeon-spring-boot-autoconfigure -am verify}; see README.md.
 * <p>
 * Besides delivered rate, order and latency it reports each side's CPU per delivered change: the
 * CPU time of the listener's own threads ({@code pigeon-*}, or the raw loop's one thread) over a
 * phase, divided by the changes it delivered. While both keep up with the writers the delivered
 * rate cannot tell them apart; the CPU they use is what a machine shared with PostgreSQL takes
 * from the writers.
 * <p>
 * For quick iterations, {@code -Dpigeon.bench.phases=single,batched} runs only some phases and
 * {@code -Dpigeon.bench.scale=0.25} shortens them; the benchmark runs in a JVM of its own, so pass
 * them through {@code JAVA_TOOL_OPTIONS} or run this class directly.
 */
public final class PigeonBenchmark {

	private static final String SCHEMA = "pigeon_bench";

	private static final String TABLE = "\"pigeon_bench\".\"bench_items\"";

	private static final String MINIMAL_TABLE = "\"pigeon_bench\".\"bench_minimal\"";

	private static final String CHANNEL = "bench_items";

	private static final int WRITERS = 4;

	private static final int SINGLE_ROW_CHANGES = 40_000;

	private static final int BATCHED_CHANGES = 400_000;

	private static final int LATENCY_SECONDS = 10;

	/**
	 * The phases to run, for quick iterations: a comma-separated subset of {@code single},
	 * {@code batched}, {@code rate1000}, {@code rate5000} and {@code writer}; all by default.
	 */
	private static final String PHASES_PROPERTY = "pigeon.bench.phases";

	/**
	 * Scales every phase's number of changes and duration, for quick iterations; 1 by default.
	 */
	private static final String SCALE_PROPERTY = "pigeon.bench.scale";

	/**
	 * Whether Pigeon's listener calls are observed with Micrometer Observation, as they are by
	 * default in an application with an {@code ObservationRegistry} (Actuator): off by default
	 * here, so the CPU comparison is of delivery itself, the raw loop observing nothing either;
	 * {@code -Dpigeon.bench.observation=true} measures what the observation adds.
	 */
	private static final String OBSERVATION_PROPERTY = "pigeon.bench.observation";

	private static final ThreadCpu RAW_CPU = new ThreadCpu(RawPgjdbcListener.THREAD_NAME::equals);

	private static final ThreadCpu PIGEON_CPU = new ThreadCpu((name) -> name.startsWith("pigeon-"));

	private static final ThreadCpu PIGEON_READER_CPU = new ThreadCpu("pigeon-listener"::equals);

	private static final int WRITER_COST_ROUNDS = 10;

	private static final int WRITER_COST_SECONDS = 3;

	private final BenchmarkDatabase database;

	private final LoadGenerator load;

	private final Map<String, Result> raw = new LinkedHashMap<>();

	private final Map<String, Result> pigeon = new LinkedHashMap<>();

	private final Set<String> phases;

	private final double scale;

	private PigeonBenchmark(BenchmarkDatabase database) {
		this.database = database;
		this.load = new LoadGenerator(database, WRITERS);
		String phases = System.getProperty(PHASES_PROPERTY, "single,batched,rate1000,rate5000,writer");
		this.phases = Set.of(phases.split(","));
		this.scale = Double.parseDouble(System.getProperty(SCALE_PROPERTY, "1"));
	}

	private boolean runs(String phase) {
		return this.phases.contains(phase);
	}

	private int scaled(int amount) {
		return (int) Math.max(1, Math.round(amount * this.scale));
	}

	public static void main(String[] args) throws Exception {
		BenchmarkDatabase database = BenchmarkDatabase.fromEnvironment();
		System.out.printf("Pigeon benchmark against %s (%d writers, %d cores, listener observation %s)%n",
				database.url(), WRITERS, Runtime.getRuntime().availableProcessors(),
				Boolean.getBoolean(OBSERVATION_PROPERTY) ? "on" : "off");
		new PigeonBenchmark(database).run();
		System.exit(0);
	}

	private void run() throws Exception {
		createTables();
		try {
			// Both listen at once and receive the very same notifications, so drift in the
			// machine's speed between phases cannot favour either.
			try (ConfigurableApplicationContext context = startPigeon();
					RawPgjdbcListener raw = new RawPgjdbcListener(this.database, CHANNEL)) {
				measureDelivery(raw::recordInto, context.getBean(BenchListener.class)::recordInto);
			}
			double[] writerCost = runs("writer") ? measureWriterCost() : null;
			report(writerCost);
		}
		finally {
			this.database.execute("DROP SCHEMA IF EXISTS \"" + SCHEMA + "\" CASCADE");
		}
	}

	private void createTables() throws Exception {
		String columns = "(id bigserial PRIMARY KEY, writer int NOT NULL, wseq bigint NOT NULL, "
				+ "created_us bigint NOT NULL DEFAULT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)";
		this.database.execute("DROP SCHEMA IF EXISTS \"" + SCHEMA + "\" CASCADE", "CREATE SCHEMA \"" + SCHEMA + "\"",
				"CREATE TABLE " + TABLE + " " + columns, "CREATE TABLE " + MINIMAL_TABLE + " " + columns,
				"CREATE FUNCTION \"pigeon_bench\".\"minimal_notify\"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
						+ "PERFORM pg_notify('bench_minimal', json_build_object('id', NEW.id, 'writer', NEW.writer, "
						+ "'wseq', NEW.wseq, 'created_us', NEW.created_us)::text); RETURN NULL; END $$",
				"CREATE TRIGGER \"minimal_notify\" AFTER INSERT ON " + MINIMAL_TABLE
						+ " FOR EACH ROW EXECUTE FUNCTION \"pigeon_bench\".\"minimal_notify\"()");
	}

	private ConfigurableApplicationContext startPigeon() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.datasource.url", this.database.url());
		properties.put("spring.datasource.username", this.database.username());
		properties.put("spring.datasource.password", this.database.password());
		properties.put("pigeon.install.schema", SCHEMA);
		properties.put("pigeon.schemas[0].name", SCHEMA);
		properties.put("pigeon.schemas[0].tables[0].name", "bench_items");
		properties.put("spring.main.banner-mode", "off");
		properties.put("logging.level.root", "warn");
		properties.put("pigeon.listener.observation-enabled", Boolean.getBoolean(OBSERVATION_PROPERTY));
		return new SpringApplicationBuilder(BenchmarkApplication.class).web(WebApplicationType.NONE)
			.properties(properties)
			.run();
	}

	private void measureDelivery(RecorderSink raw, RecorderSink pigeon) throws Exception {
		if (runs("single")) {
			System.out.printf("%,d single-row commits%n", scaled(SINGLE_ROW_CHANGES));
			flatOut("single", raw, pigeon, scaled(SINGLE_ROW_CHANGES), 1);
		}
		if (runs("batched")) {
			System.out.printf("%,d rows in 100-row transactions%n", scaled(BATCHED_CHANGES));
			flatOut("batched", raw, pigeon, scaled(BATCHED_CHANGES), 100);
		}
		for (int rate : new int[] { 1_000, 5_000 }) {
			if (runs("rate" + rate)) {
				System.out.printf("%,d changes/s for %d s%n", rate, scaled(LATENCY_SECONDS));
				atRate("rate" + rate, raw, pigeon, rate);
			}
		}
	}

	private void flatOut(String phase, RecorderSink raw, RecorderSink pigeon, int changes, int rowsPerTransaction)
			throws Exception {
		this.database.execute("TRUNCATE " + TABLE);
		LatencyRecorder rawRecorder = new LatencyRecorder(changes, WRITERS);
		LatencyRecorder pigeonRecorder = new LatencyRecorder(changes, WRITERS);
		raw.recordInto(rawRecorder);
		pigeon.recordInto(pigeonRecorder);
		long rawCpu = RAW_CPU.nanos();
		long pigeonCpu = PIGEON_CPU.nanos();
		long readerCpu = PIGEON_READER_CPU.nanos();
		long start = System.nanoTime();
		long written = this.load.runFlatOut(TABLE, changes, rowsPerTransaction);
		awaitDelivery(rawRecorder, written);
		awaitDelivery(pigeonRecorder, written);
		this.raw.put(phase, flatOutResult(rawRecorder, written, start, RAW_CPU.nanos() - rawCpu, 0));
		this.pigeon.put(phase, flatOutResult(pigeonRecorder, written, start, PIGEON_CPU.nanos() - pigeonCpu,
				PIGEON_READER_CPU.nanos() - readerCpu));
	}

	private static Result flatOutResult(LatencyRecorder recorder, long written, long start, long cpuNanos,
			long readerCpuNanos) {
		double seconds = (recorder.lastReceivedNanos() - start) / 1e9;
		return new Result(written, recorder.received(), recorder.outOfOrder(), recorder.received() / seconds,
				recorder.percentileMillis(50), recorder.percentileMillis(99), cpuPerChange(cpuNanos, recorder),
				cpuPerChange(readerCpuNanos, recorder));
	}

	private static double cpuPerChange(long cpuNanos, LatencyRecorder recorder) {
		return (recorder.received() > 0) ? cpuNanos / 1e3 / recorder.received() : Double.NaN;
	}

	private void atRate(String phase, RecorderSink raw, RecorderSink pigeon, int rate) throws Exception {
		this.database.execute("TRUNCATE " + TABLE);
		int seconds = scaled(LATENCY_SECONDS);
		LatencyRecorder rawRecorder = new LatencyRecorder(rate * seconds, WRITERS);
		LatencyRecorder pigeonRecorder = new LatencyRecorder(rate * seconds, WRITERS);
		raw.recordInto(rawRecorder);
		pigeon.recordInto(pigeonRecorder);
		long rawCpu = RAW_CPU.nanos();
		long pigeonCpu = PIGEON_CPU.nanos();
		long readerCpu = PIGEON_READER_CPU.nanos();
		long start = System.nanoTime();
		long written = this.load.runAtRate(TABLE, rate, seconds);
		double writeRate = written / ((System.nanoTime() - start) / 1e9);
		awaitDelivery(rawRecorder, written);
		awaitDelivery(pigeonRecorder, written);
		this.raw.put(phase, rateResult(rawRecorder, written, writeRate, RAW_CPU.nanos() - rawCpu, 0));
		this.pigeon.put(phase, rateResult(pigeonRecorder, written, writeRate, PIGEON_CPU.nanos() - pigeonCpu,
				PIGEON_READER_CPU.nanos() - readerCpu));
	}

	private static Result rateResult(LatencyRecorder recorder, long written, double writeRate, long cpuNanos,
			long readerCpuNanos) {
		return new Result(written, recorder.received(), recorder.outOfOrder(), writeRate,
				recorder.percentileMillis(50), recorder.percentileMillis(99), cpuPerChange(cpuNanos, recorder),
				cpuPerChange(readerCpuNanos, recorder));
	}

	/**
	 * Wait up to 30 s for every change; what has not arrived by then is reported as lost, not
	 * thrown.
	 */
	private static void awaitDelivery(LatencyRecorder recorder, long expected) {
		try {
			Awaitility.await()
				.atMost(Duration.ofSeconds(30))
				.pollDelay(Duration.ZERO)
				.pollInterval(Duration.ofMillis(10))
				.until(recorder::received, (received) -> received >= expected);
		}
		catch (ConditionTimeoutException ex) {
			// The report shows received < written.
		}
	}

	/**
	 * Measure both tables in many short rounds, alternating which goes first, and compare them
	 * round by round: on a shared machine the speed drifts far more between rounds than the
	 * triggers differ, so only paired measurements tell them apart.
	 * @return the minimal trigger's and Pigeon's trigger's mean insert TPS, and the median of
	 * the rounds' Pigeon / minimal ratios
	 */
	private double[] measureWriterCost() throws Exception {
		this.database.execute("TRUNCATE " + TABLE, "TRUNCATE " + MINIMAL_TABLE, "CHECKPOINT");
		double[] ratios = new double[WRITER_COST_ROUNDS];
		double minimal = 0;
		double pigeonTrigger = 0;
		System.out.printf("writer cost: %d paired rounds of %d s per table%n", WRITER_COST_ROUNDS,
				WRITER_COST_SECONDS);
		for (int round = 0; round < WRITER_COST_ROUNDS; round++) {
			double minimalTps;
			double pigeonTps;
			if (round % 2 == 0) {
				minimalTps = this.load.measureInsertTps(MINIMAL_TABLE, WRITER_COST_SECONDS);
				pigeonTps = this.load.measureInsertTps(TABLE, WRITER_COST_SECONDS);
			}
			else {
				pigeonTps = this.load.measureInsertTps(TABLE, WRITER_COST_SECONDS);
				minimalTps = this.load.measureInsertTps(MINIMAL_TABLE, WRITER_COST_SECONDS);
			}
			ratios[round] = pigeonTps / minimalTps;
			minimal += minimalTps;
			pigeonTrigger += pigeonTps;
		}
		Arrays.sort(ratios);
		double median = (ratios[(WRITER_COST_ROUNDS - 1) / 2] + ratios[WRITER_COST_ROUNDS / 2]) / 2;
		return new double[] { minimal / WRITER_COST_ROUNDS, pigeonTrigger / WRITER_COST_ROUNDS, median };
	}

	private void report(double @Nullable [] writerCost) {
		StringBuilder out = new StringBuilder();
		out.append(String.format(Locale.ROOT, "%n| measure | raw pgjdbc | Pigeon | Pigeon / raw | target | |%n"));
		out.append("|---|---|---|---|---|---|\n");
		throughputRow(out, "delivered changes/s, single-row commits", "single", 0.95);
		throughputRow(out, "delivered changes/s, 100-row transactions", "batched", 0.90);
		cpuRow(out, "listener CPU per delivered change, single-row commits", "single");
		cpuRow(out, "listener CPU per delivered change, 100-row transactions", "batched");
		for (int rate : new int[] { 1_000, 5_000 }) {
			cpuRow(out, String.format(Locale.ROOT, "listener CPU per delivered change at %,d changes/s", rate),
					"rate" + rate);
		}
		for (int rate : new int[] { 1_000, 5_000 }) {
			if (!this.raw.containsKey("rate" + rate)) {
				continue;
			}
			Result r = this.raw.get("rate" + rate);
			Result p = this.pigeon.get("rate" + rate);
			boolean ok = p.p50() <= 1.0 && p.p99() <= 10.0 && p.complete();
			out.append(String.format(Locale.ROOT,
					"| latency p50 / p99 at %,d changes/s (written %,.0f/s) | %.2f / %.2f ms | %.2f / %.2f ms | | p50 <= 1 ms, p99 <= 10 ms | %s |%n",
					rate, p.rate(), r.p50(), r.p99(), p.p50(), p.p99(), ok ? "met" : "MISSED"));
		}
		for (String key : this.raw.keySet()) {
			Result r = this.raw.get(key);
			Result p = this.pigeon.get(key);
			out.append(String.format(Locale.ROOT,
					"| delivered / written (out of order), %s | %,d / %,d (%d) | %,d / %,d (%d) | | all, in order | %s |%n",
					key, r.received(), r.written(), r.outOfOrder(), p.received(), p.written(), p.outOfOrder(),
					p.complete() ? "met" : "MISSED"));
		}
		if (writerCost == null) {
			System.out.println(out);
			return;
		}
		double ratio = writerCost[2];
		out.append(String.format(Locale.ROOT,
				"| writer insert TPS (mean of %d rounds; ratio: median of paired rounds): minimal pg_notify trigger vs Pigeon's trigger | %,.0f | %,.0f | %.3f | >= 0.95 | %s |%n",
				WRITER_COST_ROUNDS, writerCost[0], writerCost[1], ratio, (ratio >= 0.95) ? "met" : "MISSED"));
		System.out.println(out);
	}

	private void cpuRow(StringBuilder out, String label, String key) {
		if (!this.raw.containsKey(key)) {
			return;
		}
		double raw = this.raw.get(key).cpuMicros();
		double pigeon = this.pigeon.get(key).cpuMicros();
		double ratio = pigeon / raw;
		out.append(String.format(Locale.ROOT, "| %s | %.2f µs | %.2f µs (reading thread %.2f) | %.2f | <= 1.2 | %s |%n",
				label, raw, pigeon, this.pigeon.get(key).readerCpuMicros(), ratio, (ratio <= 1.2) ? "met" : "MISSED"));
	}

	private void throughputRow(StringBuilder out, String label, String key, double target) {
		if (!this.raw.containsKey(key)) {
			return;
		}
		Result r = this.raw.get(key);
		Result p = this.pigeon.get(key);
		double ratio = p.rate() / r.rate();
		out.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %.3f | >= %.2f | %s |%n", label, r.rate(),
				p.rate(), ratio, target, (ratio >= target && p.complete()) ? "met" : "MISSED"));
	}

	/**
	 * What one listener achieved in one phase.
	 * @param cpuMicros CPU time of the listener's own threads per delivered change, in
	 * microseconds
	 * @param readerCpuMicros the part of it spent on Pigeon's reading thread (0 for the raw loop,
	 * which has one thread)
	 */
	private record Result(long written, long received, long outOfOrder, double rate, double p50, double p99,
			double cpuMicros, double readerCpuMicros) {

		boolean complete() {
			return this.received == this.written && this.outOfOrder == 0;
		}

	}

	@FunctionalInterface
	private interface RecorderSink {

		void recordInto(LatencyRecorder recorder);

	}

	/**
	 * The application the benchmark starts: Pigeon's auto-configuration and one listener method.
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

		@PigeonListener(channel = CHANNEL)
		public void onChange(PigeonEvent<BenchRow> event) {
			LatencyRecorder current = this.recorder;
			if (current != null) {
				current.record(event.data());
			}
		}

	}

}
