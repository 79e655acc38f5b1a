package io.pigeon.internal.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.pigeon.PigeonAction;
import io.pigeon.TriggerLevel;
import io.pigeon.TriggerTiming;
import io.pigeon.test.PigeonTestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A schema of its own for one trigger test, holding Pigeon's overflow objects and the test's
 * tables, installed with the SQL of {@link TriggerSqlGenerator} through plain JDBC (as the
 * installer will) and dropped on {@link #close()}. Writes go through {@link #write}, which
 * commits and reports the writing transaction's id.
 */
final class TriggerTestSchema implements AutoCloseable {

	private final String name;

	private final TriggerSqlGenerator generator;

	private final Connection connection;

	TriggerTestSchema(String prefix) throws SQLException {
		this.name = prefix + PigeonTestDatabase.uniqueName("").substring(1);
		this.generator = new TriggerSqlGenerator(this.name);
		this.connection = PigeonTestDatabase.get().connect();
		// to_json writes timestamps in the session's time zone; pgjdbc would use the JVM's
		execute("SET TIME ZONE 'UTC'");
		execute("CREATE SCHEMA " + SqlIdentifiers.quote(this.name));
		execute(this.generator.createSupportObjects());
	}

	String name() {
		return this.name;
	}

	/**
	 * Return the schema-qualified, quoted name of a relation in this schema.
	 */
	String qualified(String relation) {
		return SqlIdentifiers.quote(this.name) + "." + SqlIdentifiers.quote(relation);
	}

	Connection connection() {
		return this.connection;
	}

	/**
	 * Create the definition's function and trigger with the generated SQL.
	 */
	void install(TriggerDefinition definition) throws SQLException {
		execute(this.generator.createFunction(definition));
		execute(this.generator.createTrigger(definition));
	}

	TriggerDefinition definition(String table, String trigger, String channel, TriggerLevel level,
			TriggerTiming timing, List<PigeonAction> events) {
		return new TriggerDefinition(this.name, table, trigger, trigger + "_fn", channel, List.of(), false, level,
				events, List.of(), timing);
	}

	void execute(String sql) throws SQLException {
		try (Statement statement = this.connection.createStatement()) {
			statement.execute(sql);
		}
	}

	/**
	 * Run statements in one transaction and commit.
	 * @return the transaction's id, the rows each statement changed and the server's clock
	 * around the transaction
	 */
	Write write(String... statements) throws SQLException {
		long fromMicros = serverMicros();
		this.connection.setAutoCommit(false);
		try (Statement statement = this.connection.createStatement()) {
			List<Integer> counts = new ArrayList<>();
			for (String sql : statements) {
				counts.add(statement.executeUpdate(sql));
			}
			long txid = queryLong("SELECT pg_catalog.txid_current()");
			this.connection.commit();
			return new Write(txid, counts, fromMicros, serverMicros());
		}
		catch (SQLException ex) {
			this.connection.rollback();
			throw ex;
		}
		finally {
			this.connection.setAutoCommit(true);
		}
	}

	long queryLong(String sql) throws SQLException {
		try (Statement statement = this.connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			assertThat(result.next()).as(sql).isTrue();
			return result.getLong(1);
		}
	}

	List<String> queryStrings(String sql, Object... parameters) throws SQLException {
		try (PreparedStatement statement = this.connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				statement.setObject(i + 1, parameters[i]);
			}
			try (ResultSet result = statement.executeQuery()) {
				List<String> values = new ArrayList<>();
				while (result.next()) {
					values.add(result.getString(1));
				}
				return values;
			}
		}
	}

	/**
	 * Microseconds since the Unix epoch on the database server's clock, to bound a payload's
	 * {@code ts}.
	 */
	long serverMicros() throws SQLException {
		return queryLong("SELECT (extract(epoch FROM pg_catalog.clock_timestamp()) * 1000000)::bigint");
	}

	@Override
	public void close() throws SQLException {
		try {
			this.connection.setAutoCommit(true);
			execute("DROP SCHEMA IF EXISTS " + SqlIdentifiers.quote(this.name) + " CASCADE");
		}
		finally {
			this.connection.close();
		}
	}

	/**
	 * A committed write.
	 *
	 * @param txid the transaction's id
	 * @param counts the number of rows each statement changed
	 * @param fromMicros the server's clock before the transaction, in microseconds since the
	 * epoch
	 * @param toMicros the server's clock after the commit
	 */
	record Write(long txid, List<Integer> counts, long fromMicros, long toMicros) {

		int count(int statement) {
			return this.counts.get(statement);
		}

	}

}
