package io.pigeon.internal.install;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import io.pigeon.PigeonAction;
import io.pigeon.TriggerDelivery;
import io.pigeon.TriggerLevel;
import io.pigeon.TriggerTiming;
import io.pigeon.internal.sql.TriggerDefinition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for the installation of durable triggers, driven through the
 * auto-configuration: the change log as a support script of its own, a durable trigger's
 * per-event PostgreSQL triggers managed as one, and a log that outlives its triggers.
 */
class DurableInstallIntegrationTests extends InstallIntegrationTestSupport {

	private static final String DURABLE = "delivery=durable";

	@TempDir
	Path directory;

	@BeforeEach
	void createTables() throws SQLException {
		sql("CREATE TABLE " + this.schema + ".items (id int PRIMARY KEY, name text)",
				"CREATE TABLE " + this.schema + ".others (id int)");
	}

	@Test
	void durableTriggerInstallsTheLogOnceAndOneStatementTriggerPerEvent() throws SQLException {
		InstallSummary summary = install(table("items", DURABLE));
		assertThat(summary.installed()).isEqualTo(1);
		assertThat(triggerNames("items")).containsExactly("pigeon_items_notify", "pigeon_items_notify_delete",
				"pigeon_items_notify_update");
		assertThat(rows("SELECT DISTINCT tgfoid::regproc::text, tgtype & 1 FROM pg_trigger WHERE tgrelid = '"
				+ this.schema + ".items'::regclass")).containsExactly(this.schema + ".pigeon_items_notify_fn|0");
		assertThat(history()).containsExactly("SUPPORT|null|null|null|null|" + database.getUsername(),
				"SUPPORT|pigeon_log|null|null|null|" + database.getUsername(),
				"INSTALL|items|pigeon_items_notify|pigeon_items_notify_fn|items|" + database.getUsername());
		assertThat(rows("SELECT checksum FROM " + this.schema + ".pigeon_schema_history WHERE table_name = 'pigeon_log'"))
			.singleElement()
			.asString()
			.matches("[0-9a-f]{64}");
		InstallSummary again = install(table("items", DURABLE));
		assertThat(again.installed()).isZero();
		assertThat(again.unchanged()).isEqualTo(1);
		assertThat(history()).hasSize(3);
		sql("INSERT INTO " + this.schema + ".items VALUES (1, 'a')", "UPDATE " + this.schema + ".items SET name = 'b'",
				"DELETE FROM " + this.schema + ".items");
		assertThat(rows("SELECT payload::json ->> 'action' FROM " + this.schema + ".pigeon_log ORDER BY id"))
			.containsExactly("INSERT", "UPDATE", "DELETE");
	}

	@Test
	void notifyTriggersAloneDoNotInstallTheLog() throws SQLException {
		install(table("items"));
		assertThat(rows("SELECT 1 FROM pg_class WHERE relname = 'pigeon_log' AND relnamespace = '" + this.schema
				+ "'::regnamespace")).isEmpty();
	}

	@Test
	void validateModeFailsOnAMissingLogAndOnADroppedEventTrigger() throws SQLException {
		install(table("items", DURABLE));
		start(concat(table("items", DURABLE), "pigeon.install.mode=validate"));
		sql("DROP TRIGGER pigeon_items_notify_update ON " + this.schema + ".items");
		PigeonInstallException dropped = startFails(concat(table("items", DURABLE), "pigeon.install.mode=validate"));
		assertThat(dropped.getProblems()).extracting(InstallProblem::description)
			.containsExactly("trigger \"pigeon_items_notify\" on \"" + this.schema + "\".\"items\" was altered outside Pigeon");
		assertThat(install(table("items", DURABLE)).installed()).isEqualTo(1);
		assertThat(triggerNames("items")).hasSize(3);
		start(concat(table("items", DURABLE), "pigeon.install.mode=validate"));
		sql("DROP TABLE " + this.schema + ".pigeon_log CASCADE");
		PigeonInstallException missing = startFails(concat(table("items", DURABLE), "pigeon.install.mode=validate"));
		assertThat(missing.getProblems()).singleElement().satisfies((problem) -> {
			assertThat(problem.path()).isEqualTo("pigeon.install.schema");
			assertThat(problem.description()).isEqualTo("Pigeon's change log (" + this.schema
					+ ".pigeon_log and its tables), which durable triggers write to, is missing or incomplete");
		});
		// mode auto creates what is missing and keeps what is there
		install(table("items", DURABLE));
		start(concat(table("items", DURABLE), "pigeon.install.mode=validate"));
	}

	@Test
	void anEventTriggerDisabledByHandIsReportedAndEnabledAgain() throws SQLException {
		install(table("items", DURABLE));
		sql("ALTER TABLE " + this.schema + ".items DISABLE TRIGGER pigeon_items_notify_delete");
		PigeonInstallException disabled = startFails(concat(table("items", DURABLE), "pigeon.install.mode=validate"));
		assertThat(disabled.getProblems()).extracting(InstallProblem::description).containsExactly("trigger \"pigeon_items_notify\" on \""
				+ this.schema + "\".\"items\" is disabled (pg_trigger.tgenabled = 'D')");
		assertThat(install(table("items", DURABLE)).installed()).isEqualTo(1);
		assertThat(rows("SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = '" + this.schema
				+ ".items'::regclass ORDER BY 1")).containsExactly("pigeon_items_notify|O",
						"pigeon_items_notify_delete|O", "pigeon_items_notify_update|O");
	}

	@Test
	void periodicCheckReportsADisabledEventTriggerByItsName() throws SQLException {
		install(table("items", DURABLE));
		sql("ALTER TABLE " + this.schema + ".items DISABLE TRIGGER pigeon_items_notify_update");
		TriggerDefinition definition = new TriggerDefinition(this.schema, "items", "pigeon_items_notify",
				"pigeon_items_notify_fn", "items", List.of(), false, TriggerLevel.ROW,
				List.of(PigeonAction.INSERT, PigeonAction.UPDATE, PigeonAction.DELETE), List.of(), TriggerTiming.AFTER,
				TriggerDelivery.DURABLE);
		TriggerConfiguration configuration = new TriggerConfiguration(List.of(new TriggerConfiguration.Schema(
				this.schema, "pigeon.schemas[0]", List.of(new TriggerConfiguration.Table("items", "pigeon.schemas[0].tables[0]",
						List.of(new TriggerConfiguration.Trigger(definition, true, "pigeon.schemas[0].tables[0]", true,
								true)))))));
		TriggerStates states = new TriggerStateChecker(new DriverManagerDataSource(database.getJdbcUrl(),
				database.getUsername(), database.getPassword()), configuration, Duration.ofMinutes(1)).check();
		assertThat(states.disabled()).containsExactly(this.schema + ".items.pigeon_items_notify_update");
		assertThat(states.missing()).isEmpty();
		assertThat(states.installed()).isEqualTo(1);
	}

	@Test
	void removingOrDeactivatingADurableTriggerKeepsTheLogAndItsUnprocessedEvents() throws SQLException {
		install(table("items", DURABLE));
		sql("INSERT INTO " + this.schema + ".items VALUES (1, 'a'), (2, 'b')");
		assertThat(install(table("items", DURABLE, "active=false")).removed()).isEqualTo(1);
		assertThat(triggerNames("items")).isEmpty();
		assertThat(rows("SELECT 1 FROM pg_proc WHERE proname = 'pigeon_items_notify_fn'")).isEmpty();
		assertThat(rows("SELECT payload::json -> 'data' ->> 'name' FROM " + this.schema + ".pigeon_log ORDER BY id"))
			.containsExactly("a", "b");
		install(table("items", DURABLE));
		assertThat(install(table("others")).removed()).isEqualTo(1);
		assertThat(triggerNames("items")).isEmpty();
		assertThat(rows("SELECT count(*) FROM " + this.schema + ".pigeon_log")).containsExactly("2");
		// with no durable trigger left, validate does not ask for the log, and auto leaves it
		start(concat(table("others"), "pigeon.install.mode=validate"));
	}

	@Test
	void changingTheDeliveryReinstallsThatTriggerOnly() throws SQLException {
		String[] notify = new String[] { "pigeon.schemas[0].name=" + this.schema, "pigeon.schemas[0].tables[0].name=items",
				"pigeon.schemas[0].tables[1].name=others" };
		install(notify);
		List<String> others = triggers("others");
		InstallSummary toDurable = install(concat(notify, "pigeon.schemas[0].tables[0].triggers[0]." + DURABLE));
		assertThat(toDurable.installed()).isEqualTo(1);
		assertThat(toDurable.unchanged()).isEqualTo(1);
		assertThat(triggerNames("items")).hasSize(3);
		assertThat(triggers("others")).isEqualTo(others);
		sql("INSERT INTO " + this.schema + ".items VALUES (1, 'a')");
		assertThat(rows("SELECT count(*) FROM " + this.schema + ".pigeon_log")).containsExactly("1");
		InstallSummary toNotify = install(notify);
		assertThat(toNotify.installed()).isEqualTo(1);
		assertThat(triggerNames("items")).containsExactly("pigeon_items_notify");
		assertThat(triggers("others")).isEqualTo(others);
		assertThat(rows("SELECT count(*) FROM " + this.schema + ".pigeon_log")).containsExactly("1");
		start(concat(notify, "pigeon.install.mode=validate"));
		// fewer events: the event triggers the definition no longer has are dropped
		install(concat(notify, "pigeon.schemas[0].tables[0].triggers[0]." + DURABLE));
		assertThat(install(concat(notify, "pigeon.schemas[0].tables[0].triggers[0]." + DURABLE,
				"pigeon.schemas[0].tables[0].triggers[0].events=update")).installed()).isEqualTo(1);
		assertThat(triggerNames("items")).containsExactly("pigeon_items_notify");
	}

	@Test
	void wakeUpSettingIsPartOfTheChecksum() throws SQLException {
		install(table("items", DURABLE));
		assertThat(install(concat(table("items", DURABLE), "pigeon.durable.wake-up=poll")).installed()).isEqualTo(1);
		assertThat(rows("SELECT prosrc LIKE '%pg_notify%' FROM pg_proc WHERE proname = 'pigeon_items_notify_fn'"))
			.containsExactly("f");
	}

	@Test
	void channelWithBothDeliveriesFailsBeforeAnyDdlNamingBothTriggers() throws SQLException {
		PigeonInstallException failure = startFailsChangingNothing("pigeon.schemas[0].name=" + this.schema,
				"pigeon.schemas[0].tables[0].name=items", "pigeon.schemas[0].tables[0].triggers[0].channel=shared",
				"pigeon.schemas[0].tables[1].name=others", "pigeon.schemas[0].tables[1].triggers[0].channel=shared",
				"pigeon.schemas[0].tables[1].triggers[0]." + DURABLE);
		assertThat(failure.getProblems()).singleElement().satisfies((problem) -> {
			assertThat(problem.path()).isEqualTo("pigeon.schemas[0].tables[1].triggers[0].delivery");
			assertThat(problem.description()).isEqualTo("channel \"shared\" is delivered durable here and notify by "
					+ "pigeon.schemas[0].tables[0].triggers[0].delivery; all triggers of a channel must share one delivery");
			assertThat(problem.action()).contains("pigeon.schemas[0].tables[0].triggers[0].delivery");
		});
	}

	@Test
	void durableBeforeTriggerIsRefusedAtItsPropertyPath() throws SQLException {
		PigeonInstallException failure = startFailsChangingNothing(table("items", DURABLE, "timing=before"));
		assertThat(failure.getProblems()).singleElement().satisfies((problem) -> {
			assertThat(problem.path()).isEqualTo("pigeon.schemas[0].tables[0].triggers[0].delivery");
			assertThat(problem.description()).startsWith("durable triggers must be after triggers, and this one is before");
			assertThat(problem.action()).isEqualTo("Set 'pigeon.schemas[0].tables[0].triggers[0].timing' to after, or "
					+ "'pigeon.schemas[0].tables[0].triggers[0].delivery' to notify.");
		});
	}

	@Test
	void exportedScriptsInstallTheLogAndAreAcceptedByValidate() throws Exception {
		String[] configuration = concat(table("items", DURABLE), "pigeon.install.mode=none",
				"pigeon.install.export-location=" + this.directory.toUri());
		start(configuration);
		List<Path> scripts;
		try (Stream<Path> files = Files.list(this.directory)) {
			scripts = files.sorted().toList();
		}
		assertThat(scripts).extracting((script) -> script.getFileName().toString())
			.containsExactly("pigeon_000_pigeon_objects.sql", "pigeon_001_pigeon_durable_log.sql",
					"pigeon_002_" + this.schema + ".items.pigeon_items_notify.sql");
		for (Path script : scripts) {
			try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
				statement.execute(Files.readString(script));
			}
		}
		assertThat(triggerNames("items")).hasSize(3);
		start(concat(table("items", DURABLE), "pigeon.install.mode=validate"));
		assertThat(install(table("items", DURABLE)).unchanged()).isEqualTo(1);
	}

	@Test
	void durableTriggerOnAPartitionKeepsOneRowLevelTriggerAndLogsRowsRoutedThroughItsParent() throws SQLException {
		sql("CREATE TABLE " + this.schema + ".events (id int) PARTITION BY RANGE (id)",
				"CREATE TABLE " + this.schema + ".events_1 PARTITION OF " + this.schema
						+ ".events FOR VALUES FROM (0) TO (100)");
		install(table("events_1", DURABLE));
		assertThat(triggerNames("events_1")).containsExactly("pigeon_events_1_notify");
		sql("INSERT INTO " + this.schema + ".events VALUES (1)", "INSERT INTO " + this.schema + ".events_1 VALUES (2)");
		assertThat(rows("SELECT payload::json -> 'data' ->> 'id' FROM " + this.schema + ".pigeon_log ORDER BY id"))
			.containsExactly("1", "2");
	}

	@Test
	void eventTriggerNamesThatAnotherConfiguredTriggerHasAreRefused() throws SQLException {
		PigeonInstallException failure = startFailsChangingNothing(concat(table("items", "name=watch", DURABLE),
				"pigeon.schemas[0].tables[0].triggers[1].name=watch_delete",
				"pigeon.schemas[0].tables[0].triggers[1].channel=other"));
		assertThat(failure.getProblems()).singleElement().satisfies((problem) -> {
			assertThat(problem.path()).isEqualTo("pigeon.schemas[0].tables[0].triggers[1].name");
			assertThat(problem.description()).isEqualTo("trigger name \"watch_delete\" is already used on the same "
					+ "table by pigeon.schemas[0].tables[0].triggers[0]");
		});
	}

	@Test
	void eventTriggerNameTakenByAForeignTriggerFailsBeforeAnyDdl() throws SQLException {
		sql("CREATE FUNCTION " + this.schema + ".mine() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END'",
				"CREATE TRIGGER watch_update AFTER UPDATE ON " + this.schema + ".items FOR EACH ROW EXECUTE FUNCTION "
						+ this.schema + ".mine()");
		PigeonInstallException failure = startFailsChangingNothing(table("items", "name=watch", DURABLE));
		assertThat(failure.getProblems()).singleElement().satisfies((problem) -> {
			assertThat(problem.path()).isEqualTo("pigeon.schemas[0].tables[0].triggers[0].name");
			assertThat(problem.description()).startsWith("trigger \"watch_update\" on \"" + this.schema
					+ "\".\"items\" already exists and was not created by Pigeon");
		});
	}

	private List<String> triggerNames(String table) throws SQLException {
		return triggers(table).stream().map((row) -> row.substring(0, row.indexOf('|'))).toList();
	}

}
