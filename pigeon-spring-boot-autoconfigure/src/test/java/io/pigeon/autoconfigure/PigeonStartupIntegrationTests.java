package io.pigeon.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.pigeon.test.PigeonTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Integration tests starting a whole Spring application: the installer runs at start-up, logs
 * its summary, and a failure is explained by the failure analyzer.
 */
@ExtendWith(OutputCaptureExtension.class)
class PigeonStartupIntegrationTests {

	private static final PigeonTestDatabase database = PigeonTestDatabase.get();

	private final String schema = PigeonTestDatabase.uniqueName("pigeon_start");

	@BeforeEach
	void createTable() throws SQLException {
		sql("CREATE SCHEMA " + this.schema, "CREATE TABLE " + this.schema + ".items (id int)");
	}

	@AfterEach
	void dropSchema() throws SQLException {
		sql("DROP SCHEMA " + this.schema + " CASCADE");
	}

	@Test
	void installsAtStartUpAndLogsOneSummaryLine(CapturedOutput output) {
		try (ConfigurableApplicationContext context = application("pigeon.schemas[0].tables[0].name=items").run()) {
			assertThat(output).containsPattern("Pigeon: 1 trigger installed, 0 unchanged, 0 removed \\(\\d+ ms\\)");
		}
		try (ConfigurableApplicationContext context = application("pigeon.schemas[0].tables[0].name=items").run()) {
			assertThat(output).containsPattern("Pigeon: 0 triggers installed, 1 unchanged, 0 removed \\(\\d+ ms\\)");
		}
	}

	@Test
	void badConfigurationFailsStartUpExplainedByTheFailureAnalyzer(CapturedOutput output) {
		assertThatException().isThrownBy(() -> application("pigeon.schemas[0].tables[0].name=items",
				"pigeon.schemas[0].tables[0].triggers[0].columns=id,nope", "pigeon.schemas[0].tables[1].name=itemz")
			.run());
		assertThat(output).contains("APPLICATION FAILED TO START",
				"Pigeon's configuration does not match the database:",
				"pigeon.schemas[0].tables[0].triggers[0].columns[1]: column \"nope\" does not exist in table \""
						+ this.schema + "\".\"items\"",
				"pigeon.schemas[0].tables[1].name: table or view \"" + this.schema + "\".\"itemz\" does not exist",
				"Fix each problem and restart:",
				"pigeon.schemas[0].tables[0].triggers[0].columns[1]: Correct the name (names are case-sensitive); "
						+ "its columns are id.");
	}

	@Test
	void unknownKeyFailsStartUpWithItsPathAndTheNearestKeyBeforeTheCatalogIsTouched(CapturedOutput output)
			throws SQLException {
		assertThatException().isThrownBy(() -> application("pigeon.schemas[0].tables[0].name=items",
				"pigeon.schemas[0].tables[0].triggers[0].colums=id",
				"pigeon.schemas[0].tables[0].triggers[0].udpate-of=id")
			.run());
		assertThat(output).contains("APPLICATION FAILED TO START",
				"pigeon.schemas[0].tables[0].triggers[0].colums: unknown key `colums`",
				"pigeon.schemas[0].tables[0].triggers[0].colums: did you mean `columns`?",
				"pigeon.schemas[0].tables[0].triggers[0].udpate-of: did you mean `update-of`?");
		try (Connection connection = database.connect(); Statement statement = connection.createStatement();
				java.sql.ResultSet result = statement.executeQuery("SELECT count(*) FROM pg_class c JOIN pg_namespace n"
						+ " ON n.oid = c.relnamespace WHERE n.nspname = '" + this.schema + "'")) {
			result.next();
			assertThat(result.getInt(1)).as("only the test's table: no history, no overflow table").isEqualTo(1);
		}
	}

	private SpringApplicationBuilder application(String... properties) {
		return new SpringApplicationBuilder(ApplicationConfiguration.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "spring.datasource.url=" + database.getJdbcUrl(),
					"spring.datasource.username=" + database.getUsername(),
					"spring.datasource.password=" + database.getPassword(),
					"spring.datasource.hikari.maximum-pool-size=2", "pigeon.install.schema=" + this.schema,
					"pigeon.schemas[0].name=" + this.schema)
			.properties(properties);
	}

	private static void sql(String... statements) throws SQLException {
		try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, PigeonAutoConfiguration.class })
	static class ApplicationConfiguration {

	}

}
