package io.pigeon.internal.install;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for {@link TriggerInstaller} in mode {@code auto}, driven through the
 * auto-configuration.
 */
class TriggerInstallerIntegrationTests extends InstallIntegrationTestSupport {

	@Test
	void installsDefaultTriggerThatNotifiesTheTablesChannel() throws SQLException {
		sql("CREATE TABLE " + this.schema + ".items (id int, name text)");
		InstallSummary summary = install(table("items"));
		assertThat(summary.installed()).isEqualTo(1);
		assertThat(summary.toString()).matches("Pigeon: 1 trigger installed, 0 unchanged, 0 removed \\(\\d+ ms\\)");
		assertThat(triggers("items")).singleElement()
			.asString()
			.startsWith("pigeon_items_notify|")
			.endsWith("|O|" + this.schema + ".pigeon_items_notify_fn");
		assertThat(notificationOf("items", "INSERT INTO " + this.schema + ".items VALUES (1, 'one')"))
			.contains("\"action\":\"INSERT\"", "\"table\":\"items\"", "\"data\":{\"id\":1,\"name\":\"one\"}");
		assertThat(history()).containsExactly("SUPPORT|null|null|null|null|" + database.getUsername(),
				"INSTALL|items|pigeon_items_notify|pigeon_items_notify_fn|items|" + database.getUsername());
	}

	@Test
	void historyRecordsChecksumInstallTimeAndExecutionTime() throws SQLException {
		sql("CREATE TABLE " + this.schema + ".items (id int, name text)");
		String before = rows("SELECT clock_timestamp()::text").get(0);
		install(table("items"));
		String after = rows("SELECT clock_timestamp()::text").get(0);
		// Installed on: within the installation's window; execution time: milliseconds, so it
		// cannot exceed that window either.
		String window = "installed_on BETWEEN '" + before + "' AND '" + after
				+ "' AND execution_time BETWEEN 0 AND 1000 * extract(epoch FROM timestamptz '" + after
				+ "' - timestamptz '" + before + "')";
		assertThat(rows("SELECT action, " + window + " FROM " + historyTable() + " ORDER BY installed_rank"))
			.containsExactly("SUPPORT|t", "INSTALL|t");
		List<String> checksums = checksums();
		assertThat(checksums).hasSize(2).allSatisfy((checksum) -> assertThat(checksum).matches("[0-9a-f]{64}"));
		assertThat(checksums.get(0)).isNotEqualTo(checksums.get(1));
		String installed = checksums.get(1);
		// A restart records nothing; the same definition installed again has the same checksum.
		install(table("items"));
		assertThat(checksums()).isEqualTo(checksums);
		sql("DROP TRIGGER pigeon_items_notify ON " + this.schema + ".items");
		assertThat(install(table("items")).installed()).isEqualTo(1);
		assertThat(checksums()).hasSize(3).last().isEqualTo(installed);
		// A changed definition has another checksum.
		assertThat(install(table("items", "columns=id")).installed()).isEqualTo(1);
		assertThat(checksums()).hasSize(4).last().asString().matches("[0-9a-f]{64}").isNotEqualTo(installed);
	}

	private List<String> checksums() throws SQLException {
		return rows("SELECT checksum FROM " + historyTable() + " WHERE action IN ('SUPPORT', 'INSTALL')"
				+ " ORDER BY installed_rank");
	}

	private String historyTable() {
		return "\"" + this.schema + "\".pigeon_schema_history";
	}

	@Test
	void pigeonsOwnTablesGoToTheConnectionsCurrentSchemaByDefault() throws SQLException {
		String tables = createSchema("pigeon_tables");
		sql("CREATE TABLE " + tables + ".items (id int)");
		contextRunner()
			.withPropertyValues("spring.datasource.url=" + database.getJdbcUrl() + "?currentSchema=" + this.schema,
					"pigeon.install.schema=", "pigeon.install.history-table=installed_triggers",
					"pigeon.schemas[0].name=" + tables, "pigeon.schemas[0].tables[0].name=items")
			.run((context) -> assertThat(context.getBean(TriggerInstaller.class).install().installed()).isEqualTo(1));
		assertThat(rows("SELECT relname FROM pg_class WHERE relnamespace = '" + this.schema
				+ "'::regnamespace AND relkind = 'r' ORDER BY 1"))
			.containsExactly("installed_triggers", "pigeon_overflow");
		assertThat(rows("SELECT trigger_name FROM " + this.schema + ".installed_triggers WHERE action = 'INSTALL'"))
			.containsExactly("pigeon_items_notify");
	}

	@Test
	void partitionedTableTriggerCoversEveryPartitionAndNamesTheConfiguredTable() throws SQLException {
		sql("CREATE TABLE " + this.schema + ".events (id int, at date) PARTITION BY RANGE (at)",
				"CREATE TABLE " + this.schema + ".events_2026 PARTITION OF " + this.schema
						+ ".events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')");
		install(table("events"));
		assertThat(notificationOf("events", "INSERT INTO " + this.schema + ".events_2026 VALUES (1, '2026-11-26')"))
			.contains("\"table\":\"events\"");
		assertThat(install(table("events", "events=insert")).installed()).isEqualTo(1);
		assertThat(install(table("events", "active=false")).removed()).isEqualTo(1);
		assertThat(rows("SELECT tgname FROM pg_trigger WHERE tgrelid IN ('" + this.schema + ".events'::regclass, '"
				+ this.schema + ".events_2026'::regclass)")).isEmpty();
	}

	@Test
	void aCloneDisabledOnOnePartitionIsEnabledAgain() throws SQLException {
		String events = this.schema + ".events";
		sql("CREATE TABLE " + events + " (id int) PARTITION BY RANGE (id)",
				"CREATE TABLE " + events + "_1 PARTITION OF " + events + " FOR VALUES FROM (0) TO (100)",
				"CREATE TABLE " + events + "_2 PARTITION OF " + events + " FOR VALUES FROM (100) TO (200)");
		install(table("events", "name=watch"));
		sql("ALTER TABLE " + events + "_2 DISABLE TRIGGER watch");
		assertThat(install(table("events", "name=watch")).installed()).isEqualTo(1);
		assertThat(firingModes("watch")).containsExactly("events|O", "events_1|O", "events_2|O");
		assertThat(notificationOf("events", "INSERT INTO " + events + " VALUES (150)"))
			.contains("\"table\":\"events\"");
	}

	@Test
	void triggersSetToFireAlwaysOrOnReplicasAreLeftAsTheyAre() throws SQLException {
		sql("CREATE TABLE " + this.schema + ".items (id int, name text)");
		install(table("items", "name=watch"));
		sql("ALTER TABLE " + this.schema + ".items ENABLE ALWAYS TRIGGER watch");
		List<String> catalog = catalogSnapshot();
		assertThat(install(table("items", "name=watch")).installed()).isZero();
		assertThat(catalogSnapshot()).isEqualTo(catalog);
		assertThat(firingModes("watch")).containsExactly("items|A");
	}

	@Test
	void aReplacedTriggerKeepsTheFiringModeItWasSetTo() throws SQLException {
		String events = this.schema + ".events";
		sql("CREATE TABLE " + this.schema + ".items (id int, name text)",
				"CREATE TABLE " + events + " (id int) PARTITION BY RANGE (id)",
				"CREATE TABLE " + events + "_1 PARTITION OF " + events + " FOR VALUES FROM (0) TO (100)");
		String[] items = table("items", "name=watch");
		String[] eventsTable = { "pigeon.schemas[0].tables[1].name=events",
				"pigeon.schemas[0].tables[1].triggers[0].name=watch",
				"pigeon.schemas[0].tables[1].triggers[0].function=events_watch_fn" };
		install(concat(items, eventsTable));
		sql("ALTER TABLE " + this.schema + ".items ENABLE ALWAYS TRIGGER watch",
				"ALTER TABLE " + events + " ENABLE REPLICA TRIGGER watch");
		String[] changed = concat(table("items", "name=watch", "events=insert"),
				concat(eventsTable, "pigeon.schemas[0].tables[1].triggers[0].events=insert"));
		assertThat(install(changed).installed()).isEqualTo(2);
		assertThat(firingModes("watch")).containsExactly("events|R", "events_1|R", "items|A");
		assertThat(install(changed).installed()).isZero();
	}

	@Test
	void restartWithTheSameConfigurationExecutesNoDdl() throws SQLException {
		sql("CREATE TABLE " + this.schema + ".items (id int, name text)",
				"CREATE TABLE " + this.schema + ".orders (id int)");
		String[] properties = concat(table("items", "events=insert,update"), "pigeon.schemas[0].tables[1].name=orders");
		assertThat(install(properties).installed()).isEqualTo(2);
		List<String> catalog = catalogSnapshot();
		List<String> history = history();
		InstallSummary summary = install(properties);
		assertThat(summary.installed()).isZero();
		assertThat(summary.unchanged()).isEqualTo(2);
		assertThat(summary.removed()).isZero();
		assertThat(catalogSnapshot()).isEqualTo(catalog);
		assertThat(history()).isEqualTo(history);
	}

	@Test
	void changedDefinitionReplacesFunctionAndTriggerInOneTransactionAndLeavesOthersAlone() throws SQLException {
		sql("CREATE TABLE " + this.schema + ".items (id int, name text)",
				"CREATE TABLE " + this.schema + ".orders (id int)");
		String[] orders = { "pigeon.schemas[0].tables[1].name=orders" };
		install(concat(table("items"), orders));
		List<String> ordersTriggers = triggers("orders");
		List<String> itemsTriggers = triggers("items");
		InstallSummary summary = install(concat(table("items", "columns=id", "events=insert"), orders));
		assertThat(summary.installed()).isEqualTo(1);
		assertThat(summary.unchanged()).isEqualTo(1);
		assertThat(triggers("orders")).isEqualTo(ordersTriggers);
		assertThat(triggers("items")).isNotEqualTo(itemsTriggers);
		// The function and the trigger were last written by the same transaction.
		assertThat(rows("SELECT count(DISTINCT xmin::text) FROM (SELECT xmin FROM pg_trigger WHERE tgname ="
				+ " 'pigeon_items_notify' AND tgrelid = '" + this.schema + ".items'::regclass UNION ALL SELECT xmin"
				+ " FROM pg_proc WHERE oid = '" + this.schema + ".pigeon_items_notify_fn'::regproc) x"))
			.containsExactly("1");
		assertThat(rows("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'pigeon_items_notify'"
				+ " AND tgrelid = '" + this.schema + ".items'::regclass"))
			.singleElement()
			.asString()
			.contains("AFTER INSERT ON");
	}

	@Test
	void triggerChangedOutsidePigeonIsInstalledAgain() throws SQLException {
		sql("CREATE TABLE " + this.schema + ".items (id int)", "CREATE TABLE " + this.schema + ".orders (id int)");
		String[] properties = concat(table("items"), "pigeon.schemas[0].tables[1].name=orders");
		install(properties);
		sql("ALTER TABLE " + this.schema + ".items DISABLE TRIGGER pigeon_items_notify",
				"DROP TRIGGER pigeon_orders_notify ON " + this.schema + ".orders");
		InstallSummary summary = install(properties);
		assertThat(summary.installed()).isEqualTo(2);
		assertThat(triggers("items")).singleElement().asString().contains("|O|");
		assertThat(triggers("orders")).hasSize(1);
		assertThat(install(properties).unchanged()).isEqualTo(2);
	}

	@Test
	void renamedFunctionReplacesTheTriggersFunctionAndDropsTheOldOne() throws SQLException {
		sql("CREATE TABLE " + this.schema + ".items (id int)");
		install(table("items"));
		install(table("items", "function=items_changed"));
		assertThat(triggers("items")).singleElement().asString().endsWith("|" + this.schema + ".items_changed");
		assertThat(rows("SELECT proname FROM pg_proc WHERE pronamespace = '" + this.schema
				+ "'::regnamespace AND pronargs = 0")).containsExactly("items_changed");
	}

	@Test
	void renamedTriggerKeepingItsFunctionNameReplacesTheOldTriggerAndKeepsTheFunction() throws SQLException {
		sql("CREATE TABLE " + this.schema + ".items (id int)");
		install(table("items", "name=old_name", "function=items_fn"));
		InstallSummary summary = install(table("items", "name=new_name", "function=items_fn"));
		assertThat(summary.installed()).isEqualTo(1);
		assertThat(summary.removed()).isEqualTo(1);
		assertThat(triggers("items")).singleElement()
			.asString()
			.startsWith("new_name|")
			.endsWith("|" + this.schema + ".items_fn");
		assertThat(install(table("items", "name=new_name", "function=items_fn")).unchanged()).isEqualTo(1);
	}

	@Test
	void triggerRemovedFromTheConfigurationIsDroppedWithItsFunction() throws SQLException {
		sql("CREATE TABLE " + this.schema + ".items (id int)", "CREATE TABLE " + this.schema + ".orders (id int)");
		install(concat(table("items"), "pigeon.schemas[0].tables[1].name=orders"));
		List<String> itemsTriggers = triggers("items");
		InstallSummary summary = install(table("items"));
		assertThat(summary.removed()).isEqualTo(1);
		assertThat(summary.unchanged()).isEqualTo(1);
		assertThat(triggers("orders")).isEmpty();
		assertThat(triggers("items")).isEqualTo(itemsTriggers);
		assertThat(rows("SELECT proname FROM pg_proc WHERE pronamespace = '" + this.schema
				+ "'::regnamespace AND pronargs = 0")).containsExactly("pigeon_items_notify_fn");
		assertThat(history()).last().asString().startsWith("REMOVE|orders|pigeon_orders_notify|");
	}

	@Test
	void inactiveTriggerIsDroppedWithItsFunctionAndInstalledAgainWhenActive() throws SQLException {
		sql("CREATE TABLE " + this.schema + ".items (id int)");
		install(table("items", "name=watch"));
		assertThat(install(table("items", "name=watch", "active=false")).removed()).isEqualTo(1);
		assertThat(triggers("items")).isEmpty();
		assertThat(rows("SELECT 1 FROM pg_proc WHERE proname = 'watch_fn' AND pronamespace = '" + this.schema
				+ "'::regnamespace")).isEmpty();
		assertThat(install(table("items", "name=watch", "active=false")).removed()).isZero();
		assertThat(install(table("items", "name=watch")).installed()).isEqualTo(1);
		assertThat(triggers("items")).singleElement().asString().startsWith("watch|");
	}

	@Test
	void foreignTriggerOfTheSameNameIsNeverTouchedAndFailsStartUp() throws SQLException {
		sql("CREATE TABLE " + this.schema + ".items (id int)",
				createFunctionMine(),
				"CREATE TRIGGER pigeon_items_notify AFTER INSERT ON " + this.schema
						+ ".items FOR EACH ROW EXECUTE FUNCTION " + this.schema + ".mine()");
		PigeonInstallException failure = startFailsChangingNothing(table("items"));
		assertThat(failure.getProblems()).singleElement().satisfies((problem) -> {
			assertThat(problem.path()).isEqualTo("pigeon.schemas[0].tables[0]");
			assertThat(problem.description()).contains("trigger \"pigeon_items_notify\" on \"" + this.schema
					+ "\".\"items\" already exists and was not created by Pigeon");
		});
	}

	@Test
	void foreignFunctionOfTheSameNameIsNeverReplacedAndFailsStartUp() throws SQLException {
		sql("CREATE TABLE " + this.schema + ".items (id int)",
				createFunctionMine());
		PigeonInstallException failure = startFailsChangingNothing(table("items", "function=mine"));
		assertThat(failure.getProblems()).singleElement().satisfies((problem) -> {
			assertThat(problem.path()).isEqualTo("pigeon.schemas[0].tables[0].triggers[0].function");
			assertThat(problem.description()).contains("already exists and was not created by Pigeon");
		});
	}

	@Test
	void otherTriggersOnTheSameTableAreUntouched() throws SQLException {
		sql("CREATE TABLE " + this.schema + ".items (id int, name text)",
				createFunctionMine(),
				"CREATE TRIGGER audit AFTER INSERT ON " + this.schema + ".items FOR EACH ROW EXECUTE FUNCTION "
						+ this.schema + ".mine()");
		List<String> audit = triggers("items");
		String mine = "SELECT oid, xmin FROM pg_proc WHERE oid = '" + this.schema + ".mine'::regproc";
		List<String> function = rows(mine);
		install(table("items"));
		assertThat(triggers("items")).hasSize(2).containsAll(audit);
		install(table("items", "events=delete"));
		install(table("items", "active=false"));
		assertThat(triggers("items")).isEqualTo(audit);
		assertThat(rows(mine)).isEqualTo(function);
	}

	@Test
	void instancesStartingTogetherInstallOnceAndAllSucceed() throws Exception {
		sql("CREATE TABLE " + this.schema + ".items (id int)");
		long key = AdvisoryLock.key(new InstallHistory(this.schema, "pigeon_schema_history"));
		try (Connection holder = database.connect()) {
			// Hold the installers' lock until both instances wait for it, so they really overlap.
			holder.createStatement().execute("SELECT pg_advisory_lock(" + key + ")");
			List<CompletableFuture<InstallSummary>> instances = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				instances.add(CompletableFuture.supplyAsync(() -> install(table("items"))));
			}
			await().atMost(Duration.ofSeconds(10))
				.until(() -> rows("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").size() == 2);
			holder.createStatement().execute("SELECT pg_advisory_unlock(" + key + ")");
			List<InstallSummary> summaries = instances.stream().map(CompletableFuture::join).toList();
			assertThat(summaries).extracting(InstallSummary::installed).containsExactlyInAnyOrder(1, 0);
			assertThat(summaries).extracting(InstallSummary::unchanged).containsExactlyInAnyOrder(0, 1);
		}
		assertThat(history()).filteredOn((row) -> row.startsWith("INSTALL|")).hasSize(1);
		assertThat(triggers("items")).hasSize(1);
	}

	@Test
	void instanceWaitingLongerThanTheLockTimeoutFailsSayingSo() throws SQLException {
		sql("CREATE TABLE " + this.schema + ".items (id int)");
		long key = AdvisoryLock.key(new InstallHistory(this.schema, "pigeon_schema_history"));
		try (Connection holder = database.connect()) {
			holder.createStatement().execute("SELECT pg_advisory_lock(" + key + ")");
			PigeonInstallException failure = startFailsChangingNothing(
					concat(table("items"), "pigeon.install.lock-timeout=200ms"));
			assertThat(failure.getSummary()).isEqualTo("Pigeon could not install its triggers");
			assertThat(failure.getProblems()).singleElement().satisfies((problem) -> {
				assertThat(problem.path()).isEqualTo("pigeon.install.lock-timeout");
				assertThat(problem.description()).contains("another instance has been installing");
			});
		}
	}

	@Test
	void busyTableFailsStartUpNamingItAfterAFewShortAttempts() throws SQLException {
		sql("CREATE TABLE " + this.schema + ".items (id int)");
		try (Connection writer = database.connect()) {
			writer.setAutoCommit(false);
			// An open transaction that wrote to the table holds a lock CREATE TRIGGER must wait for.
			writer.createStatement().execute("INSERT INTO " + this.schema + ".items VALUES (1)");
			long start = System.nanoTime();
			PigeonInstallException failure = startFails(table("items"));
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			assertThat(failure.getProblems()).singleElement().satisfies((problem) -> {
				assertThat(problem.path()).isEqualTo("pigeon.schemas[0].tables[0]");
				assertThat(problem.description()).startsWith("table \"" + this.schema + "\".\"items\" is busy")
					.endsWith("through 4 attempts, each waiting at most 200 ms");
			});
			// Each attempt ended by its own lock_timeout (lock_not_available), not by a
			// statement timeout or a broken connection.
			assertThat(failure).cause().isInstanceOf(SQLException.class);
			assertThat(((SQLException) failure.getCause()).getSQLState()).isEqualTo("55P03");
			// The blocking transaction never ends here: giving up at all is the point. The bound,
			// 15 times the attempts' 2 s of waits and pauses, only tells "a few short attempts"
			// from "waited for the writer" on a busy machine.
			assertThat(took).isLessThan(Duration.ofSeconds(30));
			writer.rollback();
		}
		assertThat(triggers("items")).isEmpty();
	}

	@Test
	void missingPrivilegesAreReportedBeforeAnyDdl() throws SQLException {
		String role = this.schema + "_reader";
		sql("CREATE ROLE " + role + " LOGIN PASSWORD 'reader'", "CREATE TABLE " + this.schema + ".items (id int)",
				"GRANT USAGE ON SCHEMA " + this.schema + " TO " + role);
		try {
			PigeonInstallException failure = startFailsChangingNothing(
					concat(table("items"), "pigeon.install.username=" + role, "pigeon.install.password=reader"));
			assertThat(failure.getProblems()).extracting(InstallProblem::toString)
				.containsExactly(
						"pigeon.schemas[0].tables[0]: user \"" + role + "\" may not create triggers on table \""
								+ this.schema + "\".\"items\" (TRIGGER privilege)",
						"pigeon.schemas[0].tables[0]: user \"" + role + "\" may not create functions in schema \""
								+ this.schema + "\"",
						"pigeon.install.schema: user \"" + role + "\" may not create Pigeon's own objects in schema \""
								+ this.schema + "\"");
		}
		finally {
			sql("DROP SCHEMA " + this.schema + " CASCADE", "DROP ROLE " + role);
		}
	}

	@Test
	void withNothingToInstallCreatesNothingAndNeedsNoPrivilege() throws SQLException {
		// An application that only listens or sends, with a user that may create nothing (PostgreSQL
		// 15 no longer lets every user create in public).
		String role = this.schema + "_app";
		sql("CREATE ROLE " + role + " LOGIN PASSWORD 'app'", "GRANT USAGE ON SCHEMA " + this.schema + " TO " + role);
		try {
			List<String> catalog = catalogSnapshot();
			InstallSummary summary = install("pigeon.install.username=" + role, "pigeon.install.password=app");
			assertThat(summary.installed() + summary.unchanged() + summary.removed()).isZero();
			assertThat(catalogSnapshot()).isEqualTo(catalog);
		}
		finally {
			sql("DROP SCHEMA " + this.schema + " CASCADE", "DROP ROLE " + role);
		}
	}

	@Test
	void separateDdlCredentialsInstallAsThatUser() throws SQLException {
		String role = this.schema + "_ddl";
		sql("CREATE ROLE " + role + " LOGIN PASSWORD 'ddl'", "CREATE TABLE " + this.schema + ".items (id int)",
				"ALTER TABLE " + this.schema + ".items OWNER TO " + role, "GRANT CREATE, USAGE ON SCHEMA " + this.schema
						+ " TO " + role);
		try {
			install(concat(table("items"), "pigeon.install.username=" + role, "pigeon.install.password=ddl"));
			assertThat(history()).allSatisfy((row) -> assertThat(row).endsWith("|" + role));
			assertThat(rows("SELECT proowner::regrole FROM pg_proc WHERE proname = 'pigeon_items_notify_fn'"
					+ " AND pronamespace = '" + this.schema + "'::regnamespace"))
				.containsExactly(role);
		}
		finally {
			sql("DROP SCHEMA " + this.schema + " CASCADE", "DROP ROLE " + role);
		}
	}

	/**
	 * Listen on a channel, run a write and return the payload of the one notification it sent.
	 */
	/**
	 * Return the firing mode of every instance of a trigger in the test's schema, clones
	 * included, as {@code table|tgenabled} in table order.
	 */
	private List<String> firingModes(String trigger) throws SQLException {
		return rows("SELECT c.relname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
				+ " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '" + this.schema
				+ "' AND t.tgname = '" + trigger + "' ORDER BY c.relname");
	}

	private String notificationOf(String channel, String write) throws SQLException {
		try (Connection listener = database.connect()) {
			listener.createStatement().execute("LISTEN \"" + channel + "\"");
			sql(write);
			PGNotification[] notifications = listener.unwrap(PGConnection.class).getNotifications(5000);
			assertThat(notifications).hasSize(1);
			return notifications[0].getParameter();
		}
	}

	private String createFunctionMine() {
		return "CREATE FUNCTION " + this.schema
				+ ".mine() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$";
	}

}
