package io.pigeon.internal.install;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.pigeon.autoconfigure.PigeonAutoConfiguration;
import io.pigeon.test.PigeonTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Runs Pigeon's real auto-configuration against the test database, each test in schemas of its
 * own that are dropped afterwards.
 */
abstract class InstallIntegrationTestSupport {

	static final PigeonTestDatabase database = PigeonTestDatabase.get();

	/**
	 * The test's schema; Pigeon's own tables live there too unless a test says otherwise.
	 */
	final String schema = PigeonTestDatabase.uniqueName("pigeon_it");

	private final List<String> schemas = new ArrayList<>(List.of(this.schema));

	@BeforeEach
	void createSchema() throws SQLException {
		sql("CREATE SCHEMA " + this.schema);
	}

	@AfterEach
	void dropSchemas() throws SQLException {
		for (String created : this.schemas) {
			sql("DROP SCHEMA IF EXISTS \"" + created + "\" CASCADE");
		}
	}

	/**
	 * Create one more schema, dropped after the test.
	 * @param prefix a readable prefix
	 * @return the schema's name
	 */
	String createSchema(String prefix) throws SQLException {
		String created = PigeonTestDatabase.uniqueName(prefix);
		this.schemas.add(created);
		sql("CREATE SCHEMA \"" + created + "\"");
		return created;
	}

	ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PigeonAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + database.getJdbcUrl(),
					"spring.datasource.username=" + database.getUsername(),
					"spring.datasource.password=" + database.getPassword(),
					"spring.datasource.hikari.maximum-pool-size=2", "pigeon.install.schema=" + this.schema);
	}

	/**
	 * Start the application with the given properties and run Pigeon's installer.
	 * @param properties the properties, {@code key=value}
	 * @return what the installer did
	 */
	InstallSummary install(String... properties) {
		AtomicReference<InstallSummary> summary = new AtomicReference<>();
		contextRunner().withPropertyValues(properties).run((context) -> {
			assertThat(context).hasNotFailed();
			summary.set(context.getBean(TriggerInstaller.class).install());
		});
		return summary.get();
	}

	/**
	 * Start the application with the given properties and run Pigeon's start-up runner, which
	 * must succeed.
	 * @param properties the properties, {@code key=value}
	 */
	void start(String... properties) {
		contextRunner().withPropertyValues(properties).run((context) -> {
			assertThat(context).hasNotFailed();
			context.getBean(PigeonInstallRunner.class).run(new DefaultApplicationArguments());
		});
	}

	/**
	 * Start the application with the given properties and run Pigeon's start-up runner, which
	 * must fail.
	 * @param properties the properties, {@code key=value}
	 * @return the failure
	 */
	PigeonInstallException startFails(String... properties) {
		AtomicReference<PigeonInstallException> failure = new AtomicReference<>();
		contextRunner().withPropertyValues(properties).run((context) -> {
			assertThat(context).hasNotFailed();
			PigeonInstallRunner runner = context.getBean(PigeonInstallRunner.class);
			failure.set(assertThatExceptionOfType(PigeonInstallException.class)
				.isThrownBy(() -> runner.run(new DefaultApplicationArguments()))
				.actual());
		});
		return failure.get();
	}

	/**
	 * Start the application with the given properties and run Pigeon's start-up runner, which
	 * must fail and leave the catalog exactly as it was.
	 * @param properties the properties, {@code key=value}
	 * @return the failure
	 */
	PigeonInstallException startFailsChangingNothing(String... properties) throws SQLException {
		List<String> catalog = catalogSnapshot();
		PigeonInstallException failure = startFails(properties);
		assertThat(catalogSnapshot()).isEqualTo(catalog);
		return failure;
	}

	/**
	 * Return the properties of one table of the test schema, with optional trigger properties.
	 * @param table the table's name
	 * @param triggerProperties properties of {@code triggers[0]}, {@code key=value}
	 * @return the properties
	 */
	String[] table(String table, String... triggerProperties) {
		List<String> properties = new ArrayList<>();
		properties.add("pigeon.schemas[0].name=" + this.schema);
		properties.add("pigeon.schemas[0].tables[0].name=" + table);
		Arrays.stream(triggerProperties)
			.map((property) -> "pigeon.schemas[0].tables[0].triggers[0]." + property)
			.forEach(properties::add);
		return properties.toArray(String[]::new);
	}

	static String[] concat(String[] properties, String... more) {
		String[] all = Arrays.copyOf(properties, properties.length + more.length);
		System.arraycopy(more, 0, all, properties.length, more.length);
		return all;
	}

	void sql(String... statements) throws SQLException {
		try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	/**
	 * Run a query and return its rows, each as its columns' text joined with {@code |}.
	 * @param sql the query
	 * @return the rows
	 */
	List<String> rows(String sql) throws SQLException {
		try (Connection connection = database.connect()) {
			return rows(connection, sql);
		}
	}

	static List<String> rows(Connection connection, String sql) throws SQLException {
		List<String> rows = new ArrayList<>();
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			ResultSetMetaData metaData = result.getMetaData();
			while (result.next()) {
				StringBuilder row = new StringBuilder();
				for (int i = 1; i <= metaData.getColumnCount(); i++) {
					row.append((i > 1) ? "|" : "").append(result.getString(i));
				}
				rows.add(row.toString());
			}
		}
		return rows;
	}

	/**
	 * Return every schema, relation, trigger and function of the test's schemas with their
	 * OIDs and the transaction that last wrote their catalog row: any DDL on them changes
	 * it.
	 * @return the snapshot
	 */
	List<String> catalogSnapshot() throws SQLException {
		String schemas = "ARRAY[" + String.join(",", this.schemas.stream().map((s) -> "'" + s + "'").toList())
				+ "]::name[]";
		List<String> snapshot = new ArrayList<>();
		snapshot.addAll(rows("SELECT 'schema', nspname, oid, xmin FROM pg_namespace WHERE nspname = ANY(" + schemas
				+ ") ORDER BY 2"));
		snapshot.addAll(rows("SELECT 'relation', n.nspname, c.relname, c.relkind, c.oid, c.xmin FROM pg_class c"
				+ " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY(" + schemas
				+ ") ORDER BY 2, 3"));
		snapshot.addAll(rows("SELECT 'trigger', n.nspname, c.relname, t.tgname, t.oid, t.xmin, t.tgenabled,"
				+ " pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
				+ " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY(" + schemas
				+ ") ORDER BY 2, 3, 4"));
		snapshot.addAll(rows("SELECT 'function', n.nspname, p.proname, p.oid, p.xmin, md5(p.prosrc) FROM pg_proc p"
				+ " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY(" + schemas
				+ ") ORDER BY 2, 3"));
		return snapshot;
	}

	/**
	 * Return the triggers of a table with their OIDs and catalog row versions.
	 * @param table the table, in the test schema
	 * @return one row per trigger: name, OID, xmin, tgenabled, function
	 */
	List<String> triggers(String table) throws SQLException {
		return rows("SELECT t.tgname, t.oid, t.xmin, t.tgenabled, t.tgfoid::regproc FROM pg_trigger t"
				+ " WHERE t.tgrelid = '\"" + this.schema + "\".\"" + table.replace("\"", "\"\"")
				+ "\"'::regclass AND NOT t.tgisinternal ORDER BY 1");
	}

	/**
	 * Return the history rows of the test schema's history table.
	 * @return action, table, trigger, function, channel and installing user of every row, oldest
	 * first
	 */
	List<String> history() throws SQLException {
		return rows("SELECT action, table_name, trigger_name, function_name, channel, installed_by FROM \""
				+ this.schema + "\".pigeon_schema_history ORDER BY installed_rank");
	}

}
