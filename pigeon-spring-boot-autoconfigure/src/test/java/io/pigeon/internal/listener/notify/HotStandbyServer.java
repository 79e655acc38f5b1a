package io.pigeon.internal.listener.notify;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * A PostgreSQL server in recovery, reached through a mock {@link Driver}: no hot standby can be
 * started here, and the listener's only contact with one is the answer to
 * {@code pg_is_in_recovery()}. Records every connection handed out, with its statement.
 */
public final class HotStandbyServer {

	/**
	 * The URL the listener is given, with a parameter that messages must not show.
	 */
	public static final String URL = "jdbc:postgresql://standby.example:5432/pigeon?password=secret";

	/**
	 * The URL as messages show it.
	 */
	public static final String DISPLAY_URL = "jdbc:postgresql://standby.example:5432/pigeon";

	private final List<Connection> connections = new CopyOnWriteArrayList<>();

	private final List<Statement> statements = new CopyOnWriteArrayList<>();

	/**
	 * Return a listener connection factory whose every connection reaches this server.
	 * @return the factory
	 * @throws SQLException never: declared by the mocked driver
	 */
	public ListenerConnectionFactory connectionFactory() throws SQLException {
		Driver driver = mock(Driver.class);
		given(driver.connect(anyString(), any(Properties.class))).willAnswer((invocation) -> connect());
		return new ListenerConnectionFactory(driver, URL, "pigeon", "secret", Duration.ofSeconds(1),
				new PgjdbcNotificationLatencyTuner());
	}

	List<Connection> connections() {
		return this.connections;
	}

	List<Statement> statements() {
		return this.statements;
	}

	private Connection connect() throws SQLException {
		Connection connection = mock(Connection.class);
		Statement statement = mock(Statement.class);
		ResultSet result = mock(ResultSet.class);
		given(connection.createStatement()).willReturn(statement);
		given(statement.executeQuery("SELECT pg_is_in_recovery()")).willReturn(result);
		given(result.next()).willReturn(true);
		given(result.getBoolean(1)).willReturn(true);
		this.statements.add(statement);
		this.connections.add(connection);
		return connection;
	}

}
