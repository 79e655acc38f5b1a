package io.pigeon.internal.install;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Integration tests for {@code pigeon.install.export-location}: the exported scripts, run in
 * name order through JDBC and, when {@code psql} is installed, with {@code psql} as the README
 * says, produce the same objects as the installer.
 */
class ScriptExportIntegrationTests extends InstallIntegrationTestSupport {

	@TempDir
	Path directory;

	private String pigeonSchema;

	private String[] configuration;

	@BeforeEach
	void createTables() throws SQLException {
		this.pigeonSchema = createSchema("pigeon_own");
		sql("CREATE TABLE " + this.schema + ".items (id int, name text, price numeric)",
				"CREATE TABLE " + this.schema + ".\"Order Items\" (\"MiXeD\" int, \"it\"\"em\" text)",
				"CREATE VIEW " + this.schema + ".items_view AS SELECT * FROM " + this.schema + ".items",
				"CREATE TABLE " + this.schema + ".events (id int, at date) PARTITION BY RANGE (at)",
				"CREATE TABLE " + this.schema + ".events_2026 PARTITION OF " + this.schema
						+ ".events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')");
		String table = "pigeon.schemas[0].tables";
		this.configuration = new String[] { "pigeon.install.schema=" + this.pigeonSchema,
				"pigeon.schemas[0].name=" + this.schema, table + "[0].name=items",
				table + "[0].triggers[0].columns=id,name", table + "[0].triggers[0].include-old=true",
				table + "[0].triggers[1].name=items_before_update", table + "[0].triggers[1].timing=before",
				table + "[0].triggers[1].events=update", table + "[0].triggers[1].update-of=price",
				table + "[0].triggers[2].name=items_truncated", table + "[0].triggers[2].level=statement",
				table + "[0].triggers[2].events=truncate", table + "[0].triggers[3].name=inactive",
				table + "[0].triggers[3].active=false", table + "[1].name=Order Items",
				table + "[1].triggers[0].channel=Orders", table + "[2].name=items_view",
				table + "[2].triggers[0].timing=instead-of", table + "[2].triggers[0].events=insert,update",
				// A statement-level trigger goes on the partition written to: a partitioned table refuses it.
				table + "[3].name=events_2026", table + "[3].triggers[0].level=statement",
				table + "[3].triggers[0].events=insert" };
	}

	@Test
	void exportedScriptsRunInNameOrderReproduceTheInstallation() throws Exception {
		assertScriptsReproduceTheInstallation((script) -> {
			try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
				statement.execute(Files.readString(script));
			}
		});
	}

	/**
	 * Run the scripts as the README says, with {@code psql -v ON_ERROR_STOP=1 -f}: psql parses
	 * them itself (statement splitting, dollar quoting, backslash commands), unlike the JDBC run
	 * above.
	 */
	@Test
	void exportedScriptsRunWithPsqlReproduceTheInstallation() throws Exception {
		Path psql = findOnPath("psql");
		assumeTrue(psql != null, "psql is not on the PATH: the scripts are checked through JDBC only");
		assertScriptsReproduceTheInstallation((script) -> runPsql(psql, script));
	}

	private void assertScriptsReproduceTheInstallation(ScriptRunner runner) throws Exception {
		start(concat(this.configuration, "pigeon.install.export-location=" + this.directory.toUri()));
		List<String> installed = definitions();
		assertThat(installed).filteredOn((row) -> row.startsWith("trigger|")).hasSize(6);
		dropPigeonObjects();
		assertThat(triggers("items")).isEmpty();
		List<Path> scripts = scripts();
		assertThat(scripts).extracting((script) -> script.getFileName().toString())
			.containsExactly("pigeon_000_pigeon_objects.sql",
					"pigeon_001_" + this.schema + ".items.pigeon_items_notify.sql",
					"pigeon_002_" + this.schema + ".items.items_before_update.sql",
					"pigeon_003_" + this.schema + ".items.items_truncated.sql",
					"pigeon_004_" + this.schema + ".Order_Items.pigeon_Order_Items_notify.sql",
					"pigeon_005_" + this.schema + ".items_view.pigeon_items_view_notify.sql",
					"pigeon_006_" + this.schema + ".events_2026.pigeon_events_2026_notify.sql");
		for (Path script : scripts) {
			runner.run(script);
		}
		assertThat(definitions()).isEqualTo(installed);
		// What the scripts recorded is accepted as Pigeon's own installation.
		start(concat(this.configuration, "pigeon.install.mode=validate"));
		assertThat(install(this.configuration).unchanged()).isEqualTo(6);
	}

	private static void runPsql(Path psql, Path script) throws IOException, InterruptedException {
		// libpq takes the JDBC URL without its "jdbc:" prefix; pgjdbc's parameters mean nothing to it.
		String url = database.getJdbcUrl().substring("jdbc:".length());
		int parameters = url.indexOf('?');
		ProcessBuilder builder = new ProcessBuilder(psql.toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-U",
				database.getUsername(), "-d", (parameters >= 0) ? url.substring(0, parameters) : url, "-f",
				script.toString())
			.redirectErrorStream(true);
		builder.environment().put("PGPASSWORD", database.getPassword());
		Process process = builder.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("psql finished").isTrue();
		assertThat(process.exitValue()).as("psql -f %s exit status, output:%n%s", script.getFileName(), output)
			.isZero();
	}

	private static @Nullable Path findOnPath(String command) {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		return Stream.of(path.split(File.pathSeparator))
			.filter((directory) -> !directory.isEmpty())
			.map((directory) -> Path.of(directory, command))
			.filter(Files::isExecutable)
			.findFirst()
			.orElse(null);
	}

	@Test
	void scriptsAreExportedInModeNoneWithoutTouchingTheDatabase() throws SQLException, IOException {
		List<String> catalog = catalogSnapshot();
		start(concat(this.configuration, "pigeon.install.mode=none",
				"pigeon.install.export-location=" + this.directory.toUri()));
		assertThat(scripts()).hasSize(7);
		assertThat(catalogSnapshot()).isEqualTo(catalog);
	}

	@Test
	void scriptsAreExportedInModeValidateAndReplaceEarlierOnes() throws IOException, SQLException {
		Path earlier = Files.writeString(this.directory.resolve("pigeon_009_gone.sql"), "SELECT 1;");
		Path unrelated = Files.writeString(this.directory.resolve("V1__mine.sql"), "SELECT 1;");
		PigeonInstallException failure = startFailsChangingNothing("pigeon.install.schema=" + this.pigeonSchema,
				"pigeon.schemas[0].name=" + this.schema, "pigeon.schemas[0].tables[0].name=items",
				"pigeon.install.mode=validate", "pigeon.install.export-location=" + this.directory.toUri());
		assertThat(failure.getProblems()).extracting(InstallProblem::description)
			.contains("trigger \"pigeon_items_notify\" on \"" + this.schema + "\".\"items\" is not installed");
		assertThat(scripts()).extracting((script) -> script.getFileName().toString())
			.containsExactly("pigeon_000_pigeon_objects.sql",
					"pigeon_001_" + this.schema + ".items.pigeon_items_notify.sql");
		assertThat(earlier).doesNotExist();
		assertThat(unrelated).exists();
	}

	@Test
	void exportLocationIsCreatedWhenMissing() throws IOException {
		Path missing = this.directory.resolve("pigeon").resolve("scripts");
		start(concat(this.configuration, "pigeon.install.mode=none", "pigeon.install.export-location=file:" + missing));
		try (Stream<Path> files = Files.list(missing)) {
			assertThat(files).hasSize(7);
		}
	}

	@Test
	void unwritableExportLocationFailsSayingThatTheExportFailed() throws IOException {
		Path file = Files.writeString(this.directory.resolve("not-a-directory"), "");
		PigeonInstallException failure = startFails(
				concat(this.configuration, "pigeon.install.mode=none", "pigeon.install.export-location=file:" + file));
		assertThat(failure.getSummary()).isEqualTo("Pigeon could not export its scripts");
		assertThat(failure.getProblems()).singleElement().satisfies((problem) -> {
			assertThat(problem.path()).isEqualTo("pigeon.install.export-location");
			assertThat(problem.description()).startsWith("writing to " + file + " failed");
		});
	}

	@FunctionalInterface
	private interface ScriptRunner {

		void run(Path script) throws Exception;

	}

	private List<Path> scripts() throws IOException {
		try (Stream<Path> files = Files.list(this.directory)) {
			return files.filter((file) -> file.getFileName().toString().startsWith("pigeon_")).sorted().toList();
		}
	}

	/**
	 * Return the definitions of everything Pigeon installs, without OIDs or times, which differ
	 * between two installations of the same objects.
	 */
	private List<String> definitions() throws SQLException {
		String schemas = "ARRAY['" + this.schema + "', '" + this.pigeonSchema + "']::name[]";
		List<String> definitions = new ArrayList<>();
		definitions.addAll(rows("SELECT 'relation', n.nspname, c.relname, c.relkind, c.relacl FROM pg_class c"
				+ " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY(" + schemas
				+ ") ORDER BY 2, 3"));
		definitions.addAll(rows("SELECT 'column', c.oid::regclass, a.attname, format_type(a.atttypid, a.atttypmod),"
				+ " a.attnotnull, a.attidentity, pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a"
				+ " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
				+ " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE n.nspname = ANY("
				+ schemas + ") AND a.attnum > 0 AND c.relkind IN ('r', 'p') ORDER BY 2, a.attnum"));
		definitions.addAll(rows("SELECT 'trigger', t.tgname, t.tgenabled, pg_get_triggerdef(t.oid) FROM pg_trigger t"
				+ " JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
				+ " WHERE n.nspname = ANY(" + schemas + ") AND NOT t.tgisinternal ORDER BY 2, 4"));
		definitions.addAll(rows("SELECT 'function', p.proname, pg_get_functiondef(p.oid), p.proacl FROM pg_proc p"
				+ " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY(" + schemas + ") ORDER BY 2"));
		definitions.addAll(rows("SELECT 'history', action, schema_name, table_name, trigger_name, function_name,"
				+ " channel, checksum, function_fingerprint, installed_by FROM \"" + this.pigeonSchema
				+ "\".pigeon_schema_history ORDER BY installed_rank"));
		return definitions;
	}

	private void dropPigeonObjects() throws SQLException {
		List<String> drops = new ArrayList<>();
		drops.addAll(rows("SELECT format('DROP TRIGGER %I ON %s', t.tgname, t.tgrelid::regclass) FROM pg_trigger t"
				+ " JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = '" + this.schema
				+ "'::regnamespace AND NOT t.tgisinternal AND t.tgparentid = 0"));
		drops.addAll(rows("SELECT format('DROP FUNCTION %s', p.oid::regprocedure) FROM pg_proc p WHERE"
				+ " p.pronamespace = '" + this.schema + "'::regnamespace"));
		drops.add("DROP SCHEMA \"" + this.pigeonSchema + "\" CASCADE");
		drops.add("CREATE SCHEMA \"" + this.pigeonSchema + "\"");
		sql(drops.toArray(String[]::new));
	}

}
