package io.pigeon.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link PrivatePostgres} runs a real server of its own: it starts, accepts connections, and a
 * restart (fast or immediate) breaks the connections opened before it while new ones work and
 * committed data survives; a stop refuses connections until it is started again; close removes
 * its directory. One cluster for the class, as the fault tests use it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrivatePostgresTests {

	private static PrivatePostgres postgres;

	@BeforeAll
	static void startCluster() {
		postgres = PrivatePostgres.start();
	}

	@AfterAll
	static void closeCluster() {
		if (postgres != null) {
			postgres.close();
		}
	}

	@Test
	@Order(1)
	void startsAServerOfItsOwnOnAFreeLoopbackPort() throws SQLException {
		assertThat(postgres.getPort()).isNotEqualTo(5432);
		assertThat(postgres.getJdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/");
		try (Connection connection = postgres.connect()) {
			assertThat(query(connection, "SHOW fsync")).isEqualTo("off");
			assertThat(query(connection, "SELECT current_user")).isEqualTo("postgres");
			assertThat(query(connection, "SELECT inet_server_addr()::text")).startsWith("127.0.0.1");
			assertThat(query(connection, "SELECT setting FROM pg_settings WHERE name = 'port'"))
				.isEqualTo(String.valueOf(postgres.getPort()));
		}
	}

	@Test
	@Order(2)
	void restartBreaksOpenConnectionsAndKeepsCommittedData() throws SQLException {
		restartBreaksOpenConnectionsAndKeepsCommittedData("fast", postgres::restart);
	}

	@Test
	@Order(3)
	void immediateRestartBreaksOpenConnectionsAndKeepsCommittedData() throws SQLException {
		restartBreaksOpenConnectionsAndKeepsCommittedData("immediate", postgres::restartImmediately);
	}

	private void restartBreaksOpenConnectionsAndKeepsCommittedData(String name, Runnable restart)
			throws SQLException {
		try (Connection before = postgres.connect()) {
			String pidBefore = query(before, "SELECT pg_backend_pid()::text");
			String startBefore = query(before, "SELECT pg_postmaster_start_time()::text");
			execute(before, "CREATE TABLE IF NOT EXISTS survivors (name text)");
			execute(before, "INSERT INTO survivors VALUES ('" + name + "')");
			restart.run();
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> query(before, "SELECT 1"));
			try (Connection after = postgres.connect()) {
				assertThat(query(after, "SELECT pg_postmaster_start_time()::text")).isNotEqualTo(startBefore);
				assertThat(query(after, "SELECT pg_backend_pid()::text")).isNotEqualTo(pidBefore);
				assertThat(query(after, "SELECT count(*)::text FROM survivors WHERE name = '" + name + "'"))
					.isEqualTo("1");
			}
		}
	}

	@Test
	@Order(4)
	void stopRefusesConnectionsUntilStartedAgain() throws SQLException {
		postgres.stop();
		assertThat(postgres.isRunning()).isFalse();
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> postgres.connect().close());
		postgres.startAgain();
		try (Connection connection = postgres.connect()) {
			assertThat(query(connection, "SELECT count(*)::text FROM survivors")).isEqualTo("2");
		}
	}

	@Test
	@Order(5)
	void closeStopsTheServerAndDeletesTheCluster() throws SQLException {
		Path bin = PrivatePostgres.findBinDirectory().orElseThrow();
		assertThat(bin.resolve("pg_ctl")).isExecutable();
		try (PrivatePostgres second = PrivatePostgres.start()) {
			assertThat(second.getPort()).isNotEqualTo(postgres.getPort());
			try (Connection connection = second.connect()) {
				String dataDirectory = query(connection, "SHOW data_directory");
				second.close();
				assertThat(Path.of(dataDirectory).getParent()).satisfies((directory) -> assertThat(Files.exists(directory))
					.as("%s deleted", directory)
					.isFalse());
				assertThatExceptionOfType(SQLException.class).isThrownBy(() -> query(connection, "SELECT 1"));
			}
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> second.connect().close());
		}
	}

	private static String query(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getString(1);
		}
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
