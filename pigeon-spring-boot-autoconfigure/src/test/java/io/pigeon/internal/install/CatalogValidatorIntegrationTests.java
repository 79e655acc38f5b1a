package io.pigeon.internal.install;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for {@link CatalogValidator}: every bad configuration fails start-up with
 * its property path, and leaves the catalog exactly as it was.
 */
class CatalogValidatorIntegrationTests extends InstallIntegrationTestSupport {

	private static final String TABLE = "pigeon.schemas[0].tables[0]";

	private static final String TRIGGER = TABLE + ".triggers[0]";

	/**
	 * A table whose default trigger name, {@code pigeon_<table>_notify}, is 70 bytes.
	 */
	private static final String LONG_TABLE = "t".repeat(56);

	@BeforeEach
	void createTables() throws SQLException {
		sql("CREATE TABLE " + this.schema + ".items (id int, name text, price numeric)",
				"CREATE VIEW " + this.schema + ".items_view AS SELECT * FROM " + this.schema + ".items",
				"CREATE MATERIALIZED VIEW " + this.schema + ".items_count AS SELECT count(*) FROM " + this.schema
						+ ".items",
				"CREATE TABLE " + this.schema + "." + LONG_TABLE + " (id int)",
				"CREATE TABLE " + this.schema + ".history (id int)",
				"CREATE TABLE " + this.schema + ".events (id int) PARTITION BY RANGE (id)",
				"CREATE TABLE " + this.schema + ".events_1 PARTITION OF " + this.schema
						+ ".events FOR VALUES FROM (0) TO (100)");
	}

	static Stream<Arguments> badConfigurations() {
		return Stream.of(
				bad("schema name missing", "pigeon.schemas[0].name", "the schema name is missing",
						"pigeon.schemas[0].tables[0].name=items"),
				bad("schema missing", "pigeon.schemas[0].name", "schema \"no_such_schema\" does not exist",
						"pigeon.schemas[0].name=no_such_schema", "pigeon.schemas[0].tables[0].name=items"),
				bad("table name missing", TABLE + ".name", "the table or view name is missing", "${schema}",
						TABLE + ".triggers[0].name=watch"),
				bad("table missing (names are case-sensitive)", TABLE + ".name", "\".\"Items\" does not exist",
						"${schema}", TABLE + ".name=Items"),
				bad("materialized view", TABLE + ".name", "is neither a table nor a view", "${schema}",
						TABLE + ".name=items_count"),
				bad("column missing", TRIGGER + ".columns[2]",
						"column \"nope\" does not exist in table \"${schema}\".\"items\"", "${schema}", "${items}",
						TRIGGER + ".columns=id,name,nope"),
				bad("column listed twice", TRIGGER + ".columns[1]", "column \"id\" is listed twice", "${schema}",
						"${items}", TRIGGER + ".columns=id,id"),
				bad("update-of column missing", TRIGGER + ".update-of[2]", "column \"nope\" does not exist",
						"${schema}", "${items}", TRIGGER + ".events=update", TRIGGER + ".update-of=id,name,nope"),
				bad("update-of without update", TRIGGER + ".update-of", "update-of needs the update event", "${schema}",
						"${items}", TRIGGER + ".events=insert", TRIGGER + ".update-of=id"),
				bad("instead-of on a table", TRIGGER + ".timing", "instead-of triggers are only possible on views",
						"${schema}", "${items}", TRIGGER + ".timing=instead-of"),
				bad("instead-of at statement level", TRIGGER + ".level", "instead-of triggers fire only at row level",
						"${schema}", TABLE + ".name=items_view", TRIGGER + ".timing=instead-of",
						TRIGGER + ".level=statement"),
				bad("after row trigger on a view", TRIGGER + ".timing",
						"after row-level triggers are not possible on views", "${schema}", TABLE + ".name=items_view",
						TRIGGER + ".name=watch"),
				bad("before row trigger on a view", TRIGGER + ".timing",
						"before row-level triggers are not possible on views", "${schema}", TABLE + ".name=items_view",
						TRIGGER + ".timing=before"),
				bad("counting statement trigger on a view", TRIGGER + ".timing", "PostgreSQL refuses on views",
						"${schema}", TABLE + ".name=items_view", TRIGGER + ".level=statement",
						TRIGGER + ".events=insert"),
				bad("statement level on a partitioned table", TRIGGER + ".level",
						"statement-level triggers on a partitioned table fire only for statements that name it",
						"${schema}", TABLE + ".name=events", TRIGGER + ".level=statement",
						TRIGGER + ".events=insert"),
				bad("truncate at row level", TRIGGER + ".events[1]", "truncate triggers fire only at statement level",
						"${schema}", "${items}", TRIGGER + ".events=insert,truncate"),
				bad("truncate on a view", TRIGGER + ".events[0]", "views cannot have truncate triggers", "${schema}",
						TABLE + ".name=items_view", TRIGGER + ".level=statement", TRIGGER + ".events=truncate"),
				bad("event listed twice", TRIGGER + ".events[1]", "insert is listed twice", "${schema}", "${items}",
						TRIGGER + ".events=insert,insert"),
				bad("no event", TRIGGER + ".events", "no event is configured", "${schema}", "${items}",
						TRIGGER + ".events="),
				bad("columns at statement level", TRIGGER + ".columns", "statement-level payloads carry no row data",
						"${schema}", "${items}", TRIGGER + ".level=statement", TRIGGER + ".columns=id"),
				bad("include-old without update", TRIGGER + ".include-old", "update is not among the events",
						"${schema}", "${items}", TRIGGER + ".events=insert", TRIGGER + ".include-old=true"),
				bad("duplicate trigger name", TABLE + ".triggers[1].name",
						"trigger name \"watch\" is already used on the same table by " + TRIGGER, "${schema}",
						"${items}", TRIGGER + ".name=watch", TABLE + ".triggers[1].name=watch",
						TABLE + ".triggers[1].function=other_fn"),
				bad("duplicate function name", "pigeon.schemas[0].tables[1].triggers[0].function",
						"function name \"notify_fn\" is already used in schema \"${schema}\" by " + TRIGGER,
						"${schema}", "${items}", TRIGGER + ".function=notify_fn",
						"pigeon.schemas[0].tables[1].name=items_view",
						"pigeon.schemas[0].tables[1].triggers[0].timing=instead-of",
						"pigeon.schemas[0].tables[1].triggers[0].function=notify_fn"),
				bad("trigger name over 63 bytes", TRIGGER + ".name", "is 64 bytes, over PostgreSQL's 63-byte limit",
						"${schema}", "${items}", TRIGGER + ".name=" + "é".repeat(32)),
				bad("channel over 63 bytes", TRIGGER + ".channel", "is 64 bytes", "${schema}", "${items}",
						TRIGGER + ".channel=" + "c".repeat(64)),
				bad("default trigger name over 63 bytes", TABLE,
						"the default trigger name \"pigeon_" + LONG_TABLE + "_notify\" is 70 bytes", "${schema}",
						TABLE + ".name=" + LONG_TABLE),
				bad("default function name over 63 bytes", TRIGGER, "the default function name \"" + "n".repeat(61)
						+ "_fn\" is 64 bytes", "${schema}", "${items}", TRIGGER + ".name=" + "n".repeat(61)),
				bad("Pigeon schema missing", "pigeon.install.schema", "schema \"no_such_schema\" does not exist",
						"${schema}", "${items}", "pigeon.install.schema=no_such_schema"),
				bad("history table name taken", "pigeon.install.history-table",
						"table \"${schema}\".\"history\" exists but is not a Pigeon history table", "${schema}",
						"${items}", "pigeon.install.history-table=history"));
	}

	private static Arguments bad(String name, String path, String description, String... properties) {
		return Arguments.argumentSet(name, path, description, properties);
	}

	@ParameterizedTest
	@MethodSource("badConfigurations")
	void badConfigurationFailsStartUpWithItsPathAndChangesNothing(String path, String description,
			String[] properties) throws SQLException {
		PigeonInstallException failure = startFailsChangingNothing(resolve(properties));
		assertThat(failure.getProblems()).singleElement().satisfies((problem) -> {
			assertThat(problem.path()).isEqualTo(path);
			assertThat(problem.description()).contains(description.replace("${schema}", this.schema));
			assertThat(problem.action()).isNotBlank();
		});
	}

	@Test
	void everyProblemIsReportedTogetherInConfigurationOrder() throws SQLException {
		PigeonInstallException failure = startFailsChangingNothing(resolve(new String[] { "${schema}", "${items}",
				TRIGGER + ".columns=id,nope", TRIGGER + ".events=insert,truncate",
				"pigeon.schemas[0].tables[1].name=gone",
				"pigeon.schemas[1].name=also_gone", "pigeon.schemas[1].tables[0].name=items" }));
		assertThat(failure.getProblems()).extracting(InstallProblem::path)
			.containsExactly(TRIGGER + ".events[1]", TRIGGER + ".columns[1]", "pigeon.schemas[0].tables[1].name",
					"pigeon.schemas[1].name");
		assertThat(failure.getMessage()).startsWith("Pigeon's configuration does not match the database:")
			.contains("pigeon.schemas[1].name: schema \"also_gone\" does not exist");
	}

	@Test
	void validConfigurationOfEveryKindPasses() throws SQLException {
		sql("CREATE TABLE " + this.schema + ".\"Order Items\" (\"MiXeD\" int, \"it\"\"em\" text)");
		String[] properties = resolve(new String[] { "${schema}", "${items}", TRIGGER + ".columns=id,name",
				TRIGGER + ".include-old=true", TABLE + ".triggers[1].name=before_update",
				TABLE + ".triggers[1].timing=before", TABLE + ".triggers[1].events=update",
				TABLE + ".triggers[1].update-of=price", TABLE + ".triggers[2].name=truncated",
				TABLE + ".triggers[2].level=statement", TABLE + ".triggers[2].events=truncate",
				"pigeon.schemas[0].tables[1].name=items_view",
				"pigeon.schemas[0].tables[1].triggers[0].timing=instead-of",
				"pigeon.schemas[0].tables[1].triggers[0].events=insert,update",
				"pigeon.schemas[0].tables[2].name=Order Items",
				"pigeon.schemas[0].tables[2].triggers[0].columns=MiXeD,it\"em" });
		assertThat(install(properties).installed()).isEqualTo(5);
	}

	private String[] resolve(String[] properties) {
		List<String> resolved = new ArrayList<>();
		Arrays.stream(properties).forEach((property) -> {
			switch (property) {
				case "${schema}" -> resolved.add("pigeon.schemas[0].name=" + this.schema);
				case "${items}" -> resolved.add(TABLE + ".name=items");
				default -> resolved.add(property);
			}
		});
		return resolved.toArray(String[]::new);
	}

}
