package io.pigeon.benchmark;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.pigeon.PigeonEvent;
import io.pigeon.PigeonListener;
import org.awaitility.Awaitility;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * What the trigger options cost writers and what statement rows gain in bulk: single-row UPDATE
 * commits per second on a table with Pigeon's plain update trigger, with {@code changed-only},
 * with a {@code condition} that is always false, and with no trigger, in paired rounds of
 * rotating order; then rows per second delivered for 10,000-row UPDATEs through a statement
 * trigger with {@code include-rows} against a row-level trigger, in the same run.
 * <p>
 * Run by the benchmark profile after the other two, or directly;
 * {@code -Dpigeon.bench.scale} shortens it.
 */
public final class TriggerOptionsBenchmark {

	private static final String SCHEMA = "pigeon_obench";

	private static final String[] WRITER_TABLES = { "plain", "changed_only", "false_condition", "no_trigger" };

	private static final int ROWS = 10_000;

	private static final int WRITERS = 4;

	private static final int ROUNDS = 6;

	private final BenchmarkDatabase database;

	private final double scale;

	private final BenchmarkTable report = new BenchmarkTable();

	private TriggerOptionsBenchmark(BenchmarkDatabase database) {
		this.database = database;
		this.scale = Double.parseDouble(System.getProperty("pigeon.bench.scale", "1"));
	}

	public static void main(String[] args) throws Exception {
		BenchmarkDatabase database = BenchmarkDatabase.fromEnvironment();
		System.out.printf("Pigeon trigger options benchmark against %s (%d writers, %d cores)%n", database.url(),
				WRITERS, Runtime.getRuntime().availableProcessors());
		new TriggerOptionsBenchmark(database).run();
		System.exit(0);
	}

	private void run() throws Exception {
		List<String> statements = new ArrayList<>(List.of("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE",
				"CREATE SCHEMA " + SCHEMA));
		for (String table : List.of("plain", "changed_only", "false_condition", "no_trigger", "bulk_rows",
				"bulk_row")) {
			statements.add("CREATE TABLE " + SCHEMA + "." + table
					+ " (id int PRIMARY KEY, v bigint NOT NULL DEFAULT 0, status text NOT NULL DEFAULT 'new')");
			statements.add("INSERT INTO " + SCHEMA + "." + table + " (id) SELECT i FROM generate_series(1, " + ROWS
					+ ") i");
		}
		this.database.execute(statements.toArray(String[]::new));
		try {
			// installs the triggers, then goes away: nobody listens while writers are measured
			start(false).close();
			writerCost();
			bulk();
			this.report.print();
		}
		finally {
			this.database.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
		}
	}

	private ConfigurableApplicationContext start(boolean listen) {
		Map<String, Object> p = new LinkedHashMap<>();
		p.put("spring.datasource.url", this.database.url());
		p.put("spring.datasource.username", this.database.username());
		p.put("spring.datasource.password", this.database.password());
		p.put("spring.main.banner-mode", "off");
		p.put("logging.level.root", "warn");
		p.put("pigeon.install.schema", SCHEMA);
		p.put("pigeon.listener.enabled", listen);
		p.put("pigeon.listener.observation-enabled", false);
		// a row-level 10,000-row UPDATE is 10,000 notifications at once
		p.put("pigeon.listener.queue-capacity", 100_000);
		p.put("pigeon.schemas[0].name", SCHEMA);
		String[] tables = { "plain", "changed_only", "false_condition", "bulk_rows", "bulk_row" };
		for (int i = 0; i < tables.length; i++) {
			String t = "pigeon.schemas[0].tables[" + i + "].";
			p.put(t + "name", tables[i]);
			p.put(t + "triggers[0].events", "update");
		}
		p.put("pigeon.schemas[0].tables[1].triggers[0].changed-only", true);
		p.put("pigeon.schemas[0].tables[2].triggers[0].condition", "NEW.id < 0");
		p.put("pigeon.schemas[0].tables[3].triggers[0].level", "statement");
		p.put("pigeon.schemas[0].tables[3].triggers[0].include-rows", true);
		p.put("pigeon.schemas[0].tables[3].triggers[0].columns", "id,v,status");
		p.put("pigeon.schemas[0].tables[4].triggers[0].columns", "id,v,status");
		return new SpringApplicationBuilder(BenchApplication.class).web(WebApplicationType.NONE).properties(p).run();
	}

	/**
	 * Single-row UPDATEs that change a value (so the plain and changed-only triggers both fire),
	 * four writers on random rows, in rounds whose order rotates.
	 */
	private void writerCost() throws Exception {
		int seconds = Math.max(1, (int) Math.round(4 * this.scale));
		double[][] tps = new double[WRITER_TABLES.length][ROUNDS];
		System.out.printf("writer cost: %d rounds of %d s per table%n", ROUNDS, seconds);
		for (int round = 0; round < ROUNDS; round++) {
			for (int i = 0; i < WRITER_TABLES.length; i++) {
				int table = (i + round) % WRITER_TABLES.length;
				tps[table][round] = updateTps(SCHEMA + "." + WRITER_TABLES[table], seconds);
			}
		}
		this.report.row("single-row UPDATE commits/s: plain / changed-only / false condition / no trigger",
				String.format(Locale.ROOT, "%,.0f / %,.0f / %,.0f / %,.0f", BenchmarkTable.mean(tps[0]), BenchmarkTable.mean(tps[1]), BenchmarkTable.mean(tps[2]),
						BenchmarkTable.mean(tps[3])),
				"", true);
		double changedOnly = BenchmarkTable.medianRatio(tps[1], tps[0]);
		double falseCondition = BenchmarkTable.medianRatio(tps[2], tps[3]);
		this.report.row("changed-only / plain trigger (every update changes a value)", BenchmarkTable.format(changedOnly), ">= 0.9",
				changedOnly >= 0.9);
		double falseVsPlain = BenchmarkTable.medianRatio(tps[2], tps[0]);
		this.report.row("false condition / plain trigger", BenchmarkTable.format(falseVsPlain), ">= 2", falseVsPlain >= 2);
		this.report.row("false condition / no trigger (WHEN evaluated without calling the function)", BenchmarkTable.format(falseCondition),
				">= 0.9", falseCondition >= 0.9);
	}

	private double updateTps(String table, int seconds) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		long started = System.nanoTime();
		AtomicLong commits = new AtomicLong();
		List<Thread> threads = new ArrayList<>();
		for (int w = 0; w < WRITERS; w++) {
			Thread thread = new Thread(() -> {
				try (Connection connection = this.database.connect();
						PreparedStatement update = connection
							.prepareStatement("UPDATE " + table + " SET v = v + 1 WHERE id = ?")) {
					while (System.nanoTime() < deadline) {
						update.setInt(1, ThreadLocalRandom.current().nextInt(1, ROWS + 1));
						update.executeUpdate();
						commits.incrementAndGet();
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
		return commits.get() / ((System.nanoTime() - started) / 1e9);
	}

	/**
	 * 10,000-row UPDATEs, alternating between the two tables, both listened to: rows delivered per
	 * second from the first statement to the last row received.
	 */
	private void bulk() throws Exception {
		int statements = Math.max(1, (int) Math.round(5 * this.scale));
		try (ConfigurableApplicationContext context = start(true)) {
			BulkListener listener = context.getBean(BulkListener.class);
			double rows = bulkRate(SCHEMA + ".bulk_rows", statements, listener.statementRows);
			double perRow = bulkRate(SCHEMA + ".bulk_row", statements, listener.rowEvents);
			this.report.row(String.format(Locale.ROOT, "rows/s delivered for %d UPDATEs of 10,000 rows: statement rows vs row level",
					statements), String.format(Locale.ROOT, "%,.0f vs %,.0f (%.2fx)", rows, perRow, rows / perRow),
					"statement rows faster", rows > perRow);
		}
	}

	private double bulkRate(String table, int statements, AtomicLong delivered) throws Exception {
		long before = delivered.get();
		long started = System.nanoTime();
		for (int i = 0; i < statements; i++) {
			this.database.execute("UPDATE " + table + " SET v = v + 1, status = 's" + i + "'");
		}
		long expected = before + (long) statements * ROWS;
		Awaitility.await()
			.atMost(Duration.ofMinutes(3))
			.pollInterval(Duration.ofMillis(5))
			.until(delivered::get, (count) -> count >= expected);
		return (double) statements * ROWS / ((System.nanoTime() - started) / 1e9);
	}

	/**
	 * The benchmark's application: the two bulk listeners.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class BenchApplication {

		@Bean
		BulkListener bulkListener() {
			return new BulkListener();
		}

	}

	record Row(int id, long v, String status) {

	}

	/**
	 * Counts the rows delivered on each bulk channel.
	 */
	static class BulkListener {

		final AtomicLong statementRows = new AtomicLong();

		final AtomicLong rowEvents = new AtomicLong();

		@PigeonListener(channel = "bulk_rows")
		public void onRows(List<Row> rows) {
			this.statementRows.addAndGet(rows.size());
		}

		@PigeonListener(channel = "bulk_row")
		public void onRow(PigeonEvent<Row> event) {
			this.rowEvents.incrementAndGet();
		}

	}

}
