package io.pigeon.benchmark;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The database the benchmark runs against: {@code PIGEON_BENCH_JDBC_URL}, else
 * {@code PIGEON_TEST_JDBC_URL}, else a local server's {@code postgres} database.
 */
record BenchmarkDatabase(String url, String username, String password) {

	static BenchmarkDatabase fromEnvironment() {
		String url = firstSet("PIGEON_BENCH_JDBC_URL", "PIGEON_TEST_JDBC_URL");
		String username = firstSet("PIGEON_BENCH_USERNAME", "PIGEON_TEST_USERNAME");
		String password = firstSet("PIGEON_BENCH_PASSWORD", "PIGEON_TEST_PASSWORD");
		return new BenchmarkDatabase((url != null) ? url : "jdbc:postgresql://127.0.0.1:5432/postgres",
				(username != null) ? username : "postgres", (password != null) ? password : "");
	}

	private static String firstSet(String... names) {
		for (String name : names) {
			String value = System.getenv(name);
			if (value != null && !value.isBlank()) {
				return value;
			}
		}
		return null;
	}

	Connection connect() throws SQLException {
		return DriverManager.getConnection(this.url, this.username, this.password);
	}

	void execute(String... statements) throws SQLException {
		try (Connection connection = connect(); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

}
