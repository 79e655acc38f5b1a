package io.pigeon.internal.install;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for {@code pigeon.install.mode=validate}: it compares the live catalog
 * with the configuration and never changes anything.
 */
class ValidateModeIntegrationTests extends InstallIntegrationTestSupport {

	private static final String VALIDATE = "pigeon.install.mode=validate";

	private static final String TRIGGER_PATH = "pigeon.schemas[0].tables[0].triggers[0]";

	private String items;

	@BeforeEach
	void createTable() throws SQLException {
		this.items = this.schema + ".items";
		sql("CREATE TABLE " + this.items + " (id int, name text)");
	}

	@Test
	void passesWhenTheDatabaseMatchesTheConfiguration() throws SQLException {
		install(table("items", "name=watch"));
		List<String> catalog = catalogSnapshot();
		List<String> history = history();
		start(concat(table("items", "name=watch"), VALIDATE));
		assertThat(catalogSnapshot()).isEqualTo(catalog);
		assertThat(history()).isEqualTo(history);
	}

	@Test
	void failsWhenNothingIsInstalledAndCreatesNothing() throws SQLException {
		assertProblems(concat(table("items", "name=watch"), VALIDATE),
				"pigeon.install.schema: Pigeon's own objects in schema \"" + this.schema + "\" are missing",
				TRIGGER_PATH + ": trigger \"watch\" on \"" + this.schema + "\".\"items\" is not installed");
	}

	@Test
	void failsWhenTheTriggerWasDroppedByHand() throws SQLException {
		install(table("items", "name=watch"));
		sql("DROP TRIGGER watch ON " + this.items);
		assertFailsUnchanged("trigger \"watch\" on \"" + this.schema + "\".\"items\" was dropped outside Pigeon");
	}

	@Test
	void failsWhenTheTriggerWasDisabledByHand() throws SQLException {
		install(table("items", "name=watch"));
		sql("ALTER TABLE " + this.items + " DISABLE TRIGGER watch");
		assertFailsUnchanged(
				"trigger \"watch\" on \"" + this.schema + "\".\"items\" is disabled (pg_trigger.tgenabled = 'D')");
	}

	@Test
	void failsWhenTheTriggerWasDisabledOnOnePartitionByHand() throws SQLException {
		String events = this.schema + ".events";
		sql("CREATE TABLE " + events + " (id int) PARTITION BY RANGE (id)",
				"CREATE TABLE " + events + "_1 PARTITION OF " + events + " FOR VALUES FROM (0) TO (100)",
				"CREATE TABLE " + events + "_2 PARTITION OF " + events + " FOR VALUES FROM (100) TO (200)");
		install(table("events", "name=watch"));
		sql("ALTER TABLE " + events + "_2 DISABLE TRIGGER watch");
		assertProblems(concat(table("events", "name=watch"), VALIDATE), TRIGGER_PATH + ": trigger \"watch\" on \""
				+ this.schema + "\".\"events\" is disabled on partition " + this.schema + ".events_2");
	}

	@Test
	void passesWhenTheTriggerWasSetToFireAlwaysOrOnReplicas() throws SQLException {
		install(table("items", "name=watch"));
		sql("ALTER TABLE " + this.items + " ENABLE ALWAYS TRIGGER watch");
		start(concat(table("items", "name=watch"), VALIDATE));
		sql("ALTER TABLE " + this.items + " ENABLE REPLICA TRIGGER watch");
		start(concat(table("items", "name=watch"), VALIDATE));
	}

	@Test
	void failsWhenTheTriggerWasRecreatedByHandEvenIdentically() throws SQLException {
		install(table("items", "name=watch"));
		String definition = rows("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'watch' AND tgrelid = '"
				+ this.items + "'::regclass").get(0);
		sql("DROP TRIGGER watch ON " + this.items, definition);
		assertFailsUnchanged("trigger \"watch\" on \"" + this.schema + "\".\"items\" was re-created outside Pigeon");
	}

	@Test
	void failsWhenTheTriggerWasReplacedByHand() throws SQLException {
		install(table("items", "name=watch"));
		sql("CREATE OR REPLACE TRIGGER watch AFTER INSERT ON " + this.items + " FOR EACH ROW EXECUTE FUNCTION "
				+ this.schema + ".watch_fn()");
		assertFailsUnchanged("trigger \"watch\" on \"" + this.schema + "\".\"items\" was altered outside Pigeon");
	}

	@Test
	void failsWhenTheFunctionBodyWasEditedByHand() throws SQLException {
		install(table("items", "name=watch"));
		String definition = rows("SELECT pg_get_functiondef('" + this.schema + ".watch_fn'::regproc)").get(0);
		sql(definition.replace("BEGIN\n", "BEGIN\n\tRAISE NOTICE 'edited';\n"));
		assertFailsUnchanged("function \"" + this.schema + "\".\"watch_fn\"() of trigger \"watch\" on \"" + this.schema
				+ "\".\"items\" was edited outside Pigeon");
	}

	@Test
	void failsWhenTheConfigurationChangedSinceTheInstallation() throws SQLException {
		install(table("items", "name=watch"));
		assertProblems(concat(table("items", "name=watch", "events=insert"), VALIDATE),
				TRIGGER_PATH + ": trigger \"watch\" on \"" + this.schema
						+ "\".\"items\" is installed with an earlier definition; its configuration has changed since");
	}

	@Test
	void failsWhenATriggerNoLongerConfiguredIsStillInstalled() throws SQLException {
		install(table("items", "name=watch"));
		assertProblems(concat(table("items", "name=watch", "active=false"), VALIDATE),
				"trigger \"watch\" on \"" + this.schema
						+ "\".\"items\" is installed but no longer configured or active");
	}

	@Test
	void failsForATriggerOfTheConfiguredNameThatPigeonDidNotInstall() throws SQLException {
		install(table("items", "name=watch"));
		sql("CREATE TRIGGER mine AFTER INSERT ON " + this.items + " FOR EACH ROW EXECUTE FUNCTION " + this.schema
				+ ".watch_fn()");
		assertProblems(
				concat(table("items", "name=watch"), VALIDATE, "pigeon.schemas[0].tables[0].triggers[1].name=mine"),
				"pigeon.schemas[0].tables[0].triggers[1]: trigger \"mine\" on \"" + this.schema
						+ "\".\"items\" exists but was not installed by Pigeon");
	}

	private void assertFailsUnchanged(String description) throws SQLException {
		PigeonInstallException failure = assertProblems(concat(table("items", "name=watch"), VALIDATE),
				TRIGGER_PATH + ": " + description);
		assertThat(failure.getProblems().get(0).action()).contains("pigeon.install.mode=auto");
	}

	@Test
	void waitingLongerThanTheLockTimeoutFailsSayingThatValidationFailed() throws SQLException {
		install(table("items", "name=watch"));
		long key = AdvisoryLock.key(new InstallHistory(this.schema, "pigeon_schema_history"));
		try (Connection holder = database.connect()) {
			holder.createStatement().execute("SELECT pg_advisory_lock(" + key + ")");
			PigeonInstallException failure = startFailsChangingNothing(
					concat(table("items", "name=watch"), VALIDATE, "pigeon.install.lock-timeout=200ms"));
			assertThat(failure.getSummary()).isEqualTo("Pigeon could not validate its triggers");
			assertThat(failure.getProblems()).singleElement().satisfies((problem) -> {
				assertThat(problem.path()).isEqualTo("pigeon.install.lock-timeout");
				assertThat(problem.description()).contains("another instance has been installing");
			});
		}
	}

	private PigeonInstallException assertProblems(String[] properties, String... problems) throws SQLException {
		PigeonInstallException failure = startFailsChangingNothing(properties);
		assertThat(failure.getSummary())
			.isEqualTo("The database does not match Pigeon's configuration (pigeon.install.mode=validate)");
		assertThat(failure.getProblems()).extracting(InstallProblem::toString).containsExactly(problems);
		return failure;
	}

}
