package io.pigeon.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.pigeon.internal.install.TriggerStateChecker;
import io.pigeon.internal.install.TriggerStates;
import io.pigeon.test.PigeonTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The periodic check of the installed triggers against a real PostgreSQL: a trigger disabled
 * after start-up, its clone disabled on one partition, and new sessions starting as replicas
 * show in the {@code pigeon} health indicator's {@code triggers} detail and in the log within
 * the interval, once per change, and clear when undone.
 */
@ExtendWith(OutputCaptureExtension.class)
class PigeonTriggerCheckIntegrationTests {

	private static final Duration INTERVAL = Duration.ofMillis(200);

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final String schema = PigeonTestDatabase.uniqueName("pigeon_check_it");

	@BeforeEach
	void createTables() throws SQLException {
		sql("CREATE SCHEMA " + this.schema, "CREATE TABLE " + this.schema + ".items (id int)",
				"CREATE TABLE " + this.schema + ".events (id int) PARTITION BY RANGE (id)",
				"CREATE TABLE " + this.schema + ".events_1 PARTITION OF " + this.schema
						+ ".events FOR VALUES FROM (0) TO (100)");
	}

	@AfterEach
	void dropSchema() throws SQLException {
		sql("DROP SCHEMA " + this.schema + " CASCADE");
	}

	@Test
	void aTriggerDisabledAfterStartUpShowsInHealthAndTheLogUntilItIsEnabledAgain(CapturedOutput output)
			throws SQLException {
		try (ConfigurableApplicationContext context = start()) {
			awaitDetail(context, 2, List.of());
			String items = this.schema + ".items.pigeon_items_notify";
			sql("ALTER TABLE " + this.schema + ".items DISABLE TRIGGER pigeon_items_notify");
			awaitDetail(context, 2, List.of(items));
			String warning = "Pigeon: trigger " + items + " is disabled, so its changes are not notified";
			assertThat(output).contains(warning);
			awaitChecks(context, 3);
			assertThat(output.toString().split(Pattern.quote(warning), -1)).hasSize(2);
			assertThat(context.getBean(PigeonHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
			sql("ALTER TABLE " + this.schema + ".items ENABLE TRIGGER pigeon_items_notify");
			awaitDetail(context, 2, List.of());
			assertThat(output).contains("Pigeon: trigger " + items + " fires again");
			String clone = this.schema + ".events_1.pigeon_events_notify";
			sql("ALTER TABLE " + this.schema + ".events_1 DISABLE TRIGGER pigeon_events_notify");
			awaitDetail(context, 2, List.of(clone));
			assertThat(output).contains("Pigeon: trigger " + clone + " is disabled");
		}
	}

	@Test
	void newSessionsStartingAsReplicasSilenceTriggersLeftAtTheDefaultFiringMode(CapturedOutput output)
			throws SQLException {
		try (ConfigurableApplicationContext context = start()) {
			awaitDetail(context, 2, List.of());
			sql("ALTER TABLE " + this.schema + ".events ENABLE ALWAYS TRIGGER pigeon_events_notify");
			try {
				sql(alterDatabase("SET session_replication_role = replica"));
				awaitDetail(context, 2, List.of(this.schema + ".items.pigeon_items_notify"));
				assertThat(detail(context)).containsEntry("sessionReplicationRole", "replica");
				assertThat(output).contains("Pigeon: trigger " + this.schema + ".items.pigeon_items_notify does not "
						+ "fire: new sessions start with session_replication_role = replica");
			}
			finally {
				sql(alterDatabase("RESET session_replication_role"));
			}
			awaitDetail(context, 2, List.of());
		}
	}

	private ConfigurableApplicationContext start() {
		return ListenerTestApplication.builder(Config.class, "pigeon.install.mode=auto",
				"pigeon.install.schema=" + this.schema, "pigeon.schemas[0].name=" + this.schema,
				"pigeon.schemas[0].tables[0].name=items", "pigeon.schemas[0].tables[1].name=events",
				"pigeon.install.trigger-check.interval=" + INTERVAL.toMillis() + "ms")
			.run();
	}

	private static String alterDatabase(String change) {
		return "DO $$BEGIN EXECUTE format('ALTER DATABASE %I " + change + "', current_database()); END$$";
	}

	private static void awaitDetail(ConfigurableApplicationContext context, int installed, List<String> disabled) {
		await().atMost(TIMEOUT).untilAsserted(() -> {
			Map<String, Object> detail = detail(context);
			assertThat(detail).containsEntry("installed", installed).containsEntry("disabled", disabled);
		});
	}

	/**
	 * Wait until the checker has checked a number of times more, about.
	 */
	private static void awaitChecks(ConfigurableApplicationContext context, int checks) {
		TriggerStateChecker checker = context.getBean(TriggerStateChecker.class);
		Instant after = checker.getStates().checkedAt().plus(INTERVAL.multipliedBy(checks));
		await().atMost(TIMEOUT).until(() -> {
			TriggerStates states = checker.getStates();
			return states.checkedAt().isAfter(after);
		});
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> detail(ConfigurableApplicationContext context) {
		Map<String, Object> details = context.getBean(PigeonHealthIndicator.class).health().getDetails();
		assertThat(details).containsKey("triggers");
		return (Map<String, Object>) details.get("triggers");
	}

	private static void sql(String... statements) throws SQLException {
		try (Connection connection = PigeonTestDatabase.get().connect();
				Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	@Import(ListenerTestApplication.class)
	@ImportAutoConfiguration(PigeonTriggerCheckAutoConfiguration.class)
	static class Config {

	}

}
