package io.pigeon.internal.install;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;

/**
 * A {@link DataSource} that behaves like PgBouncer in transaction mode: each transaction, and
 * each statement outside one, runs on the next of a few server connections in turn, which
 * return to the pool as soon as it ends. Session state (a session-level advisory lock, a
 * {@code SET} without {@code LOCAL}) stays on the server connection that made it, not with the
 * client.
 */
final class TransactionPoolingDataSource implements DataSource {

	private final List<Connection> servers = new ArrayList<>();

	private int next;

	TransactionPoolingDataSource(int size) throws SQLException {
		for (int i = 0; i < size; i++) {
			this.servers.add(InstallIntegrationTestSupport.database.connect());
		}
	}

	/**
	 * Return the process IDs of the server connections.
	 * @return the backends' PIDs
	 */
	List<Integer> backendPids() throws SQLException {
		List<Integer> pids = new ArrayList<>();
		for (Connection server : this.servers) {
			pids.add(server.unwrap(PGConnection.class).getBackendPID());
		}
		return pids;
	}

	private synchronized Connection borrow() {
		Connection server = this.servers.get(this.next);
		this.next = (this.next + 1) % this.servers.size();
		return server;
	}

	@Override
	public Connection getConnection() {
		return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
				new Client());
	}

	@Override
	public Connection getConnection(String username, String password) {
		return getConnection();
	}

	/**
	 * Close the server connections. Not {@code close()}: an application context that the data
	 * source is a bean of would call that when it closes.
	 */
	void closeServers() throws SQLException {
		for (Connection server : this.servers) {
			server.close();
		}
	}

	@Override
	public PrintWriter getLogWriter() {
		throw new UnsupportedOperationException();
	}

	@Override
	public void setLogWriter(PrintWriter out) {
		throw new UnsupportedOperationException();
	}

	@Override
	public void setLoginTimeout(int seconds) {
		throw new UnsupportedOperationException();
	}

	@Override
	public int getLoginTimeout() {
		return 0;
	}

	@Override
	public Logger getParentLogger() {
		throw new UnsupportedOperationException();
	}

	@Override
	public <T> T unwrap(Class<T> type) throws SQLException {
		throw new SQLException("Not a wrapper");
	}

	@Override
	public boolean isWrapperFor(Class<?> type) {
		return false;
	}

	/**
	 * One client connection: outside a transaction, each call runs on the next server
	 * connection; inside one, on the server connection the transaction started on.
	 */
	private final class Client implements InvocationHandler {

		private boolean autoCommit = true;

		private @Nullable Connection transaction;

		@Override
		public @Nullable Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
			switch (method.getName()) {
				case "getAutoCommit":
					return this.autoCommit;
				case "setAutoCommit":
					boolean autoCommit = (Boolean) args[0];
					if (autoCommit && this.transaction != null) {
						end(true);
					}
					this.autoCommit = autoCommit;
					return null;
				case "commit":
					end(true);
					return null;
				case "rollback":
					end(false);
					return null;
				case "close":
					if (this.transaction != null) {
						end(false);
					}
					return null;
				case "isClosed":
					return false;
				case "unwrap":
				case "isWrapperFor":
					throw new SQLException("The test's pooled connection hides the server connection");
				default:
					return call(server(), method, args);
			}
		}

		private Connection server() throws SQLException {
			if (this.autoCommit) {
				return borrow();
			}
			if (this.transaction == null) {
				this.transaction = borrow();
				this.transaction.setAutoCommit(false);
			}
			return this.transaction;
		}

		private void end(boolean commit) throws SQLException {
			Connection server = this.transaction;
			if (server == null) {
				return;
			}
			this.transaction = null;
			if (commit) {
				server.commit();
			}
			else {
				server.rollback();
			}
			server.setAutoCommit(true);
		}

		private static @Nullable Object call(Connection server, Method method, Object[] args) throws Throwable {
			try {
				return method.invoke(server, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
		}

	}

}
