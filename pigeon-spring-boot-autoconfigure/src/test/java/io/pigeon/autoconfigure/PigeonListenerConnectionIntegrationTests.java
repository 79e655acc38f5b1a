package io.pigeon.autoconfigure;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.pigeon.internal.listener.notify.ListenerStartupException;
import io.pigeon.internal.listener.ListenerStatus;
import io.pigeon.internal.listener.PigeonListenerEndpointRegistry;
import io.pigeon.test.FreezableTcpProxy;
import io.pigeon.test.PigeonTestDatabase;
import io.pigeon.test.TestNotifier;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The listener's own connection: never borrowed from the pool, opened only when there is a
 * channel to listen on, and the two behaviours of a start-up with the database down.
 */
class PigeonListenerConnectionIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Test
	void listenerConnectionIsNeverTakenFromThePool() throws Exception {
		try (ConfigurableApplicationContext context = ListenerTestApplication.run(RecordingListenerApplication.class,
				"spring.datasource.hikari.minimum-idle=0", "spring.datasource.hikari.maximum-pool-size=1");
				TestNotifier notifier = new TestNotifier(PigeonTestDatabase.get())) {
			PigeonListenerEndpointRegistry registry = context.getBean(PigeonListenerEndpointRegistry.class);
			notifier.send(RecordingListenerApplication.CHANNEL, "delivered");
			await().atMost(TIMEOUT).until(() -> recorded(context) == 1);
			HikariDataSource dataSource = (HikariDataSource) context.getBean(DataSource.class);
			// Nothing has used the pool yet: the listener's connection did not come from it.
			assertThat(dataSource.getHikariPoolMXBean()).isNull();
			int listenerPid = registry.getStatus().getBackendPid();
			try (Connection pooled = dataSource.getConnection()) {
				assertThat(backendPid(pooled)).isNotEqualTo(listenerPid);
				assertThat(sessionOf(pooled, listenerPid))
					.isEqualTo("pigeon-listener|" + PigeonTestDatabase.get().getUsername());
			}
			HikariPoolMXBean pool = dataSource.getHikariPoolMXBean();
			assertThat(pool.getTotalConnections()).isEqualTo(1);
			assertThat(pool.getActiveConnections()).isZero();
			notifier.send(RecordingListenerApplication.CHANNEL, "still delivered while the pool is idle");
			await().atMost(TIMEOUT).until(() -> recorded(context) == 2);
			assertThat(pool.getActiveConnections()).isZero();
		}
	}

	@Test
	void listenerCredentialsOverrideTheDatasources() throws Exception {
		PigeonTestDatabase database = PigeonTestDatabase.get();
		String role = PigeonTestDatabase.uniqueName("pigeon_listener_role");
		// LISTEN needs no privilege: a bare login role is enough.
		execute(database, "CREATE ROLE " + role + " LOGIN PASSWORD 'listener-secret'");
		try {
			try (ConfigurableApplicationContext context = ListenerTestApplication.run(
					RecordingListenerApplication.class, "pigeon.listener.username=" + role,
					"pigeon.listener.password=listener-secret");
					TestNotifier notifier = new TestNotifier(database);
					Connection connection = database.connect()) {
				int listenerPid = context.getBean(PigeonListenerEndpointRegistry.class).getStatus().getBackendPid();
				assertThat(sessionOf(connection, listenerPid)).isEqualTo("pigeon-listener|" + role);
				try (Connection pooled = context.getBean(DataSource.class).getConnection()) {
					assertThat(sessionOf(pooled, backendPid(pooled))).endsWith("|" + database.getUsername());
				}
				notifier.send(RecordingListenerApplication.CHANNEL, "received by the other role");
				await().atMost(TIMEOUT).until(() -> recorded(context) == 1);
			}
		}
		finally {
			try (Connection connection = database.connect()) {
				await().atMost(TIMEOUT).until(() -> sessionsOf(connection, role) == 0);
			}
			execute(database, "DROP ROLE " + role);
		}
	}

	@Test
	void withoutListenersNoConnectionIsOpened() {
		try (ConfigurableApplicationContext context = ListenerTestApplication.run(ListenerTestApplication.class)) {
			PigeonListenerEndpointRegistry registry = context.getBean(PigeonListenerEndpointRegistry.class);
			assertThat(registry.getChannels()).isEmpty();
			assertThat(registry.getStatus().getState()).isEqualTo(ListenerStatus.State.IDLE);
			// Only the overflow clean-up's daemon thread, which every application with Pigeon runs.
			assertThat(PigeonThreads.alive()).containsOnly("pigeon-overflow-cleanup", "pigeon-durable-maintenance");
			assertThat(context.getBean(PigeonHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
		}
	}

	@Test
	void databaseDownAtStartupFailsStartupByDefault() throws Exception {
		String url = "jdbc:postgresql://127.0.0.1:" + closedPort() + "/pigeon";
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> ListenerTestApplication.run(RecordingListenerApplication.class,
					"pigeon.listener.url=" + url))
			.satisfies((failure) -> {
				FailureAnalysis analysis = new ListenerStartupFailureAnalyzer().analyze(failure);
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains(url);
				assertThat(analysis.getAction()).contains("pigeon.listener.fail-fast=false");
				assertThat(analysis.getCause()).isInstanceOf(ListenerStartupException.class);
			});
		await().atMost(TIMEOUT).until(PigeonThreads::alive, (threads) -> threads.isEmpty());
	}

	@Test
	void databaseDownAtStartupWithoutFailFastStartsAndListensWhenTheDatabaseIsBack() throws Exception {
		PigeonTestDatabase database = PigeonTestDatabase.get();
		try (FreezableTcpProxy proxy = FreezableTcpProxy.forJdbcUrl(database.getJdbcUrl())) {
			proxy.refuse();
			try (ConfigurableApplicationContext context = ListenerTestApplication.run(
					RecordingListenerApplication.class,
					"pigeon.listener.fail-fast=false", "pigeon.listener.reconnect.initial-backoff=50ms",
					"pigeon.listener.reconnect.max-backoff=200ms",
					"pigeon.listener.url=" + proxy.proxiedUrl(database.getJdbcUrl()));
					TestNotifier notifier = new TestNotifier(database)) {
				PigeonHealthIndicator health = context.getBean(PigeonHealthIndicator.class);
				assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
				ReconnectEvents reconnects = context.getBean(ReconnectEvents.class);
				assertThat(reconnects.events).isEmpty();
				proxy.accept();
				await().atMost(TIMEOUT).until(reconnects::count, (count) -> count == 1);
				assertThat(health.health().getStatus()).isEqualTo(Status.UP);
				notifier.send(RecordingListenerApplication.CHANNEL, "after the database came back");
				await().atMost(TIMEOUT).until(() -> recorded(context) == 1);
			}
		}
	}

	private static int recorded(ConfigurableApplicationContext context) {
		return context.getBean(Recorder.class).count(RecordingListenerApplication.CHANNEL);
	}

	private static int closedPort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static void execute(PigeonTestDatabase database, String sql) throws Exception {
		try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static String sessionOf(Connection connection, int pid) throws Exception {
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT application_name || '|' || usename FROM pg_stat_activity WHERE pid = ?")) {
			statement.setInt(1, pid);
			try (ResultSet result = statement.executeQuery()) {
				return result.next() ? result.getString(1) : null;
			}
		}
	}

	private static int sessionsOf(Connection connection, String role) throws Exception {
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE usename = ?")) {
			statement.setString(1, role);
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				return result.getInt(1);
			}
		}
	}

	private static int backendPid(Connection connection) throws Exception {
		try (PreparedStatement statement = connection.prepareStatement("SELECT pg_backend_pid()");
				ResultSet result = statement.executeQuery()) {
			result.next();
			return result.getInt(1);
		}
	}

}
