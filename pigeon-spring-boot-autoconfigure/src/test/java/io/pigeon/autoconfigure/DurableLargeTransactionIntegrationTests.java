package io.pigeon.autoconfigure;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import io.pigeon.PigeonEvent;
import io.pigeon.PigeonListener;
import io.pigeon.test.PigeonTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A 100,000-row transaction on a durable table is delivered completely, in order, in pages no
 * larger than {@code pigeon.durable.batch-size}: the subscription never holds the transaction's
 * events at once.
 */
class DurableLargeTransactionIntegrationTests {

	private final String schema = PigeonTestDatabase.uniqueName("pigeon_dlarge");

	private ConfigurableApplicationContext context;

	@AfterEach
	void stop() throws Exception {
		if (this.context != null) {
			this.context.close();
		}
		sql("DROP SCHEMA IF EXISTS " + this.schema + " CASCADE");
	}

	@Test
	void aHundredThousandRowTransactionIsDeliveredCompletelyInBoundedPages() throws Exception {
		// No log yet: the installer creates it after the listeners started, as on a first deploy.
		sql("CREATE SCHEMA " + this.schema, "CREATE TABLE " + this.schema + ".items (id int PRIMARY KEY)");
		this.context = ListenerTestApplication.run(Config.class, "pigeon.install.mode=auto",
				"pigeon.install.schema=" + this.schema, "pigeon.durable.poll-interval=100ms",
				"pigeon.durable.batch-size=500", "pigeon.schemas[0].name=" + this.schema,
				"pigeon.schemas[0].tables[0].name=items", "pigeon.schemas[0].tables[0].triggers[0].channel=dlarge",
				"pigeon.schemas[0].tables[0].triggers[0].delivery=durable",
				"pigeon.schemas[0].tables[0].triggers[0].events=insert");
		BatchListener listener = this.context.getBean(BatchListener.class);
		new JdbcTemplate(this.context.getBean(DataSource.class))
			.update("INSERT INTO " + this.schema + ".items SELECT i FROM generate_series(1, 100000) i");
		await().atMost(Duration.ofSeconds(60)).until(() -> listener.events.get() >= 100_000);
		assertThat(listener.events.get()).isEqualTo(100_000);
		assertThat(listener.outOfOrder.get()).isZero();
		assertThat(listener.largestBatch.get()).isLessThanOrEqualTo(500);
		assertThat(listener.batches.get()).isGreaterThanOrEqualTo(200);
	}

	private static void sql(String... statements) throws Exception {
		try (Connection connection = PigeonTestDatabase.get().connect();
				Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	@Import(ListenerTestApplication.class)
	static class Config {

		@Bean
		BatchListener batchListener() {
			return new BatchListener();
		}

	}

	record Item(int id) {

	}

	static class BatchListener {

		final AtomicLong events = new AtomicLong();

		final AtomicInteger batches = new AtomicInteger();

		final AtomicInteger largestBatch = new AtomicInteger();

		final AtomicInteger outOfOrder = new AtomicInteger();

		private final List<Integer> last = new ArrayList<>(List.of(0));

		@PigeonListener(channel = "dlarge", id = "dlarge-batches")
		void onItems(List<PigeonEvent<Item>> items) {
			this.batches.incrementAndGet();
			this.largestBatch.accumulateAndGet(items.size(), Math::max);
			for (PigeonEvent<Item> item : items) {
				// ids increase with the rows' order of insertion: the log's order
				if (item.data().id() <= this.last.get(0)) {
					this.outOfOrder.incrementAndGet();
				}
				this.last.set(0, item.data().id());
			}
			this.events.addAndGet(items.size());
		}

	}

}
