package io.pigeon.autoconfigure;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.pigeon.PigeonTemplate;
import io.pigeon.test.PigeonTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pigeon in an application with two databases, the test database and a second one this test
 * creates next to it: whichever of them Pigeon is told to use, it installs into and listens on
 * that one, and the other never sees Pigeon's objects.
 */
class PigeonDataSourcesIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static String secondUrl;

	private final String schema = PigeonTestDatabase.uniqueName("pigeon_datasources");

	@BeforeAll
	static void createSecondDatabase() throws SQLException {
		try (Connection connection = PigeonTestDatabase.get().connect()) {
			String name = query(connection, "SELECT current_database() || '_second'");
			// CI starts with only the test database: the second one is the test's to create.
			if (query(connection, "SELECT count(*) FROM pg_database WHERE datname = '" + name + "'").equals("0")) {
				try (Statement statement = connection.createStatement()) {
					statement.execute("CREATE DATABASE \"" + name + "\"");
				}
			}
			secondUrl = withDatabase(PigeonTestDatabase.get().getJdbcUrl(), name);
		}
	}

	@AfterEach
	void dropSchemas() throws SQLException {
		sql(mainUrl(), "DROP SCHEMA IF EXISTS " + this.schema + " CASCADE");
		sql(secondUrl, "DROP SCHEMA IF EXISTS " + this.schema + " CASCADE");
	}

	@Test
	void pigeonDataSourceIsUsedForInstallingListeningAndSendingWhileThePrimaryPointsElsewhere() throws Exception {
		// The watched table exists only in the second database: installing into the primary one fails.
		createItems(secondUrl);
		try (ConfigurableApplicationContext context = ListenerTestApplication.run(TwoDatabases.class,
				installProperties())) {
			Recorder recorder = context.getBean(Recorder.class);
			sql(secondUrl, "INSERT INTO " + this.schema + ".items VALUES (1)");
			await().atMost(TIMEOUT).until(() -> recorder.count(RecordingListenerApplication.CHANNEL) == 1);
			context.getBean(PigeonTemplate.class).notify(RecordingListenerApplication.CHANNEL, "sent by the template");
			await().atMost(TIMEOUT).until(() -> recorder.count(RecordingListenerApplication.CHANNEL) == 2);
			assertThat(recorder.get(RecordingListenerApplication.CHANNEL).get(1).toString())
				.contains("sent by the template");
			assertThat(historyTableExists(secondUrl)).isTrue();
			assertThat(schemaExists(mainUrl())).isFalse();
		}
	}

	@Test
	void installUrlInstallsIntoItsDatabaseWhileTheApplicationsDataSourcePointsElsewhere() throws Exception {
		createItems(mainUrl());
		PigeonTestDatabase database = PigeonTestDatabase.get();
		String[] properties = installProperties();
		String[] all = new String[properties.length + 5];
		System.arraycopy(properties, 0, all, 0, properties.length);
		all[properties.length] = "spring.datasource.url=" + secondUrl;
		all[properties.length + 1] = "pigeon.install.url=" + mainUrl();
		all[properties.length + 2] = "pigeon.install.username=" + database.getUsername();
		all[properties.length + 3] = "pigeon.install.password=" + database.getPassword();
		all[properties.length + 4] = "pigeon.listener.enabled=false";
		try (ConfigurableApplicationContext context = ListenerTestApplication.run(OneDatabase.class, all)) {
			assertThat(context.getBean(PigeonDatabase.class).dataSource()).isInstanceOfSatisfying(
					HikariDataSource.class, (dataSource) -> assertThat(dataSource.getJdbcUrl()).isEqualTo(secondUrl));
			assertThat(historyTableExists(mainUrl())).isTrue();
			assertThat(query(mainUrl(), "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
					+ "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND c.relname = 'items' "
					+ "AND n.nspname = '" + this.schema + "'")).isEqualTo("1");
			assertThat(schemaExists(secondUrl)).isFalse();
		}
	}

	private String[] installProperties() {
		String table = "pigeon.schemas[0].tables[0].";
		return new String[] { "pigeon.install.mode=auto", "pigeon.install.schema=" + this.schema,
				"pigeon.schemas[0].name=" + this.schema, table + "name=items",
				table + "triggers[0].channel=" + RecordingListenerApplication.CHANNEL };
	}

	private void createItems(String url) throws SQLException {
		sql(url, "CREATE SCHEMA " + this.schema, "CREATE TABLE " + this.schema + ".items (id int PRIMARY KEY)");
	}

	private boolean historyTableExists(String url) throws SQLException {
		return query(url, "SELECT to_regclass('" + this.schema + ".pigeon_schema_history') IS NOT NULL").equals("t");
	}

	private boolean schemaExists(String url) throws SQLException {
		return !query(url, "SELECT count(*) FROM pg_namespace WHERE nspname = '" + this.schema + "'").equals("0");
	}

	private static String mainUrl() {
		return PigeonTestDatabase.get().getJdbcUrl();
	}

	/**
	 * Return a JDBC URL like the given one, to another database on the same server.
	 */
	private static String withDatabase(String url, String database) {
		int parameters = url.indexOf('?');
		String path = (parameters >= 0) ? url.substring(0, parameters) : url;
		return path.substring(0, path.lastIndexOf('/') + 1) + database
				+ ((parameters >= 0) ? url.substring(parameters) : "");
	}

	private static void sql(String url, String... statements) throws SQLException {
		try (Connection connection = connect(url); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	private static String query(String url, String sql) throws SQLException {
		try (Connection connection = connect(url)) {
			return query(connection, sql);
		}
	}

	private static String query(Connection connection, String sql) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql);
				ResultSet result = statement.executeQuery()) {
			result.next();
			return result.getString(1);
		}
	}

	private static Connection connect(String url) throws SQLException {
		PigeonTestDatabase database = PigeonTestDatabase.get();
		return DriverManager.getConnection(url, database.getUsername(), database.getPassword());
	}

	@Configuration(proxyBeanMethods = false)
	@Import(RecordingListenerApplication.class)
	static class TwoDatabases {

		@Bean
		@Primary
		DataSource primary() {
			PigeonTestDatabase database = PigeonTestDatabase.get();
			return new SimpleDriverDataSource(new org.postgresql.Driver(), database.getJdbcUrl(),
					database.getUsername(), database.getPassword());
		}

		// A pool, as most applications' DataSources are: the listener reads its URL from it.
		@Bean
		@PigeonDataSource
		HikariDataSource pigeon() {
			PigeonTestDatabase database = PigeonTestDatabase.get();
			HikariDataSource dataSource = new HikariDataSource();
			dataSource.setJdbcUrl(secondUrl);
			dataSource.setUsername(database.getUsername());
			dataSource.setPassword(database.getPassword());
			dataSource.setMaximumPoolSize(2);
			return dataSource;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(ListenerTestApplication.class)
	static class OneDatabase {

	}

}
