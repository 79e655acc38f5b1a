package io.pigeon.autoconfigure;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.pigeon.internal.listener.notify.OverflowPayloadCleanup;
import io.pigeon.internal.listener.notify.OverflowPayloadStore;
import io.pigeon.internal.sql.SqlIdentifiers;
import io.pigeon.internal.sql.TriggerSqlGenerator;
import io.pigeon.test.PigeonTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.Driver;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The overflow clean-up runs in an application that does not listen, and an {@link Error} thrown
 * by one run is logged and does not cancel the next.
 */
@ExtendWith(OutputCaptureExtension.class)
class PigeonOverflowCleanupIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final String schema = PigeonTestDatabase.uniqueName("pigeon_cleanup");

	private JdbcTemplate jdbc;

	private String table;

	@BeforeEach
	void createOverflowTable() {
		PigeonTestDatabase database = PigeonTestDatabase.get();
		this.jdbc = new JdbcTemplate(new SimpleDriverDataSource(new Driver(), database.getJdbcUrl(),
				database.getUsername(), database.getPassword()));
		this.jdbc.execute("CREATE SCHEMA " + SqlIdentifiers.quote(this.schema));
		this.jdbc.execute(new TriggerSqlGenerator(this.schema).createSupportObjects());
		this.table = SqlIdentifiers.quote(this.schema) + "." + SqlIdentifiers.quote(TriggerSqlGenerator.OVERFLOW_TABLE);
	}

	@AfterEach
	void dropSchema() {
		this.jdbc.execute("DROP SCHEMA " + SqlIdentifiers.quote(this.schema) + " CASCADE");
	}

	@Test
	void anApplicationThatDoesNotListenDeletesExpiredPayloadsDespiteAnError(CapturedOutput output) {
		// Stored as a trigger stores it; the store function itself accepts calls from triggers only.
		this.jdbc.queryForObject("INSERT INTO " + this.table + " (channel, payload) VALUES ('items', '{}') RETURNING id",
				Long.class);
		this.jdbc.update("UPDATE " + this.table + " SET first_seen = clock_timestamp() - interval '2 hours'");
		try (ConfigurableApplicationContext context = ListenerTestApplication.run(FailingOnceCleanup.class,
				"pigeon.listener.enabled=false", "pigeon.install.schema=" + this.schema)) {
			FailingCleanup cleanup = context.getBean(FailingCleanup.class);
			await().atMost(TIMEOUT).until(() -> this.jdbc.queryForObject("SELECT count(*) FROM " + this.table,
					Long.class) == 0);
			assertThat(cleanup.runs.get()).isGreaterThan(1);
			assertThat(output).contains("Pigeon failed deleting expired overflow payloads")
				.contains("simulated failure of the first run");
		}
		assertThat(PigeonThreads.alive()).isEmpty();
	}

	@Configuration(proxyBeanMethods = false)
	@Import(ListenerTestApplication.class)
	static class FailingOnceCleanup {

		@Bean
		FailingCleanup pigeonOverflowPayloadCleanup(OverflowPayloadStore store) {
			return new FailingCleanup(store);
		}

	}

	static class FailingCleanup extends OverflowPayloadCleanup {

		final AtomicInteger runs = new AtomicInteger();

		FailingCleanup(OverflowPayloadStore store) {
			super(store, Duration.ofHours(1));
		}

		@Override
		public Duration getPeriod() {
			return Duration.ofMillis(100);
		}

		@Override
		public void run() {
			if (this.runs.incrementAndGet() == 1) {
				throw new StackOverflowError("simulated failure of the first run");
			}
			super.run();
		}

	}

}
