package io.pigeon.durable.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.pigeon.internal.durable.DurableLogSql;
import io.pigeon.internal.sql.SqlIdentifiers;
import io.pigeon.test.ChildJvm;
import io.pigeon.test.PigeonTestDatabase;
import io.pigeon.test.PrivatePostgres;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;

import static org.awaitility.Awaitility.await;

/**
 * One fault scenario's database side: a schema of its own holding the watched table
 * {@code fault_items}, the listener's {@code fault_effects} and Pigeon's objects
 * ({@code pigeon.install.schema}), the properties of the {@link DurableFaultApplication}s that
 * run against it in child JVMs, the writes (multi-row inserts, each committed on a connection of
 * its own so that they survive a server restart between them) and the queries the tests assert
 * with.
 */
final class FaultFixture implements AutoCloseable {

	/** How long a child JVM may take to start; they share two cores with the build. */
	static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

	/** How long the delivery of every change may take after the last fault. */
	static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(90);

	/** {@code pigeon.durable.lease-timeout} of the children. */
	static final Duration LEASE_TIMEOUT = Duration.ofSeconds(3);

	/** {@code pigeon.durable.poll-interval} of the children. */
	static final Duration POLL_INTERVAL = Duration.ofMillis(200);

	static final String STARTED = DurableFaultApplication.READY;

	private final String jdbcUrl;

	private final String username;

	private final String password;

	private final String schema;

	private final List<ChildJvm> children = new ArrayList<>();

	private FaultFixture(String jdbcUrl, String username, String password) throws SQLException {
		this.jdbcUrl = jdbcUrl;
		this.username = username;
		this.password = password;
		this.schema = PigeonTestDatabase.uniqueName("pigeon_faults");
		execute("CREATE SCHEMA " + SqlIdentifiers.quote(this.schema), """
				CREATE TABLE %1$s.fault_items (
					item_no bigserial PRIMARY KEY,
					label text NOT NULL
				)""".formatted(SqlIdentifiers.quote(this.schema)), """
				CREATE TABLE %1$s.fault_effects (
					event_id bigint PRIMARY KEY,
					item_no bigint NOT NULL,
					instance text NOT NULL,
					received bigserial NOT NULL,
					received_at timestamptz NOT NULL DEFAULT clock_timestamp()
				)""".formatted(SqlIdentifiers.quote(this.schema)));
	}

	/**
	 * A scenario in the shared test database.
	 * @return the fixture, its schema created
	 * @throws SQLException if the database cannot be reached
	 */
	static FaultFixture inTestDatabase() throws SQLException {
		PigeonTestDatabase database = PigeonTestDatabase.get();
		return new FaultFixture(database.getJdbcUrl(), database.getUsername(), database.getPassword());
	}

	/**
	 * A scenario in a private cluster, which the test may restart.
	 * @param postgres the cluster
	 * @return the fixture, its schema created
	 * @throws SQLException if the cluster cannot be reached
	 */
	static FaultFixture in(PrivatePostgres postgres) throws SQLException {
		return new FaultFixture(postgres.getJdbcUrl(), postgres.getUsername(), postgres.getPassword());
	}

	/**
	 * Return whether durable delivery works here: start one application with a durable trigger
	 * and look for Pigeon's change log once it is ready. Before durable triggers and
	 * subscriptions are merged, {@code delivery: durable} is only a property and the log is never
	 * created.
	 * @param fixture a scenario used for the probe only (its subscription would stay behind)
	 * @return whether the change log appeared at start-up
	 */
	static boolean probeDurableDelivery(FaultFixture fixture) {
		try (ChildJvm probe = fixture.start("probe", true)) {
			return fixture.logExists();
		}
	}

	/**
	 * Skip the calling test unless the probe found durable delivery: until it is merged, the
	 * fault tests are pending.
	 * @param durableDelivery what {@link #probeDurableDelivery} found
	 */
	static void assumeDurableDelivery(boolean durableDelivery) {
		Assumptions.assumeTrue(durableDelivery, "Pending: durable delivery is not on this branch yet (no "
				+ DurableLogSql.LOG + " table after an application with "
				+ "pigeon.schemas[0].tables[0].triggers[0].delivery=durable started); the fault tests run "
				+ "for real once durable triggers and durable subscriptions are merged");
	}

	String schema() {
		return this.schema;
	}

	/**
	 * Return a builder of child applications against this scenario, not started.
	 * @param instance the instance's name, recorded with its effects and in its connections'
	 * {@code application_name} ({@code pigeon-fault-<instance>})
	 * @param transactional whether the listener runs in one transaction with the acknowledgement
	 * @return the builder
	 */
	ChildJvm.Builder application(String instance, boolean transactional) {
		String separator = this.jdbcUrl.contains("?") ? "&" : "?";
		return ChildJvm.builder(DurableFaultApplication.class)
			.name("fault-" + instance)
			.property("spring.datasource.url", this.jdbcUrl + separator + "ApplicationName=" + applicationName(instance))
			.property("spring.datasource.username", this.username)
			.property("spring.datasource.password", this.password)
			.property("spring.datasource.hikari.maximum-pool-size", 4)
			.property("spring.main.banner-mode", "off")
			.property("pigeon.install.schema", this.schema)
			.property("pigeon.install.owner", "faults")
			.property("pigeon.schemas[0].name", this.schema)
			.property("pigeon.schemas[0].tables[0].name", "fault_items")
			.property("pigeon.schemas[0].tables[0].triggers[0].delivery", "durable")
			.property("pigeon.durable.poll-interval", POLL_INTERVAL.toMillis() + "ms")
			.property("pigeon.durable.lease-timeout", LEASE_TIMEOUT.toMillis() + "ms")
			.property("pigeon.durable.start-from", "earliest")
			.property("pigeon.durable.retry.max-attempts", 3)
			.property("pigeon.durable.retry.initial-backoff", "100ms")
			.property("pigeon.durable.retry.max-backoff", "500ms")
			.property("pigeon.listener.validation-interval", "300ms")
			.property("pigeon.listener.validation-timeout", "1s")
			.property("pigeon.listener.reconnect.initial-backoff", "50ms")
			.property("pigeon.listener.reconnect.max-backoff", "500ms")
			.property("fault.schema", this.schema)
			.property("fault.instance", instance)
			.property("fault.transactional", transactional);
	}

	static String applicationName(String instance) {
		return "pigeon-fault-" + instance;
	}

	/**
	 * Start an application and wait until it has started; it is killed when the fixture closes.
	 * @param instance the instance's name
	 * @param transactional whether the listener runs in one transaction with the acknowledgement
	 * @return the started child
	 */
	ChildJvm start(String instance, boolean transactional) {
		return start(application(instance, transactional));
	}

	/**
	 * Start an application and wait until it is ready (its runners, Pigeon's installer among
	 * them, have run); it is killed when the fixture closes.
	 * @param application the application's builder
	 * @return the started child
	 */
	ChildJvm start(ChildJvm.Builder application) {
		ChildJvm child = application.start();
		this.children.add(child);
		child.awaitOutput(STARTED, STARTUP_TIMEOUT);
		return child;
	}

	boolean logExists() {
		return queryLong("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
				+ "WHERE n.nspname = ? AND c.relname = ?", this.schema, DurableLogSql.LOG) == 1;
	}

	/**
	 * Insert items {@code from} to {@code to} (inclusive, labels {@code item <n>}) in
	 * {@code statements} multi-row inserts, each committed on its own.
	 * @param from the first item's number
	 * @param to the last item's number
	 * @param statements how many statements to write them with
	 */
	void writeItems(int from, int to, int statements) {
		int count = to - from + 1;
		int per = (count + statements - 1) / statements;
		for (int first = from; first <= to; first += per) {
			int last = Math.min(to, first + per - 1);
			update("INSERT INTO " + table("fault_items") + " (label) SELECT 'item ' || n FROM generate_series(?, ?) n",
					first, last);
		}
	}

	long effects() {
		return queryLong("SELECT count(*) FROM " + table("fault_effects"));
	}

	long effectsOf(String instance) {
		return queryLong("SELECT count(*) FROM " + table("fault_effects") + " WHERE instance = ?", instance);
	}

	long distinctInstances() {
		return queryLong("SELECT count(DISTINCT instance) FROM " + table("fault_effects"));
	}

	/**
	 * Return the number of items written that have no effect.
	 * @return how many changes were lost
	 */
	long itemsWithoutEffect() {
		return queryLong("SELECT count(*) FROM " + table("fault_items") + " i WHERE NOT EXISTS (SELECT 1 FROM "
				+ table("fault_effects") + " e WHERE e.item_no = i.item_no)");
	}

	/**
	 * Return the number of effects whose item was received twice: a change delivered twice
	 * under two event ids.
	 * @return how many items have more than one effect
	 */
	long itemsWithSeveralEffects() {
		return queryLong("SELECT count(*) FROM (SELECT item_no FROM " + table("fault_effects")
				+ " GROUP BY item_no HAVING count(*) > 1) twice");
	}

	/**
	 * Return the number of effects received after an effect of a later event: zero when every
	 * event arrived in event-id order.
	 * @return how many effects are out of order
	 */
	long effectsOutOfOrder() {
		return queryLong("SELECT count(*) FROM (SELECT event_id, item_no, lag(event_id) OVER w AS previous_event, "
				+ "lag(item_no) OVER w AS previous_item FROM " + table("fault_effects")
				+ " WINDOW w AS (ORDER BY received)) e WHERE event_id < previous_event OR item_no < previous_item");
	}

	/**
	 * Return the time of the first effect an instance recorded.
	 * @param instance the instance
	 * @return the database time, or {@code null} when it recorded none
	 */
	Instant firstEffectOf(String instance) {
		return queryInstant("SELECT min(received_at) FROM " + table("fault_effects") + " WHERE instance = ?",
				instance);
	}

	/**
	 * Return the database's clock, which also times the effects.
	 * @return the database's {@code clock_timestamp()}
	 */
	Instant now() {
		return queryInstant("SELECT clock_timestamp()");
	}

	/**
	 * Wait until at least the given number of effects are recorded.
	 * @param count the number of effects
	 * @param timeout how long to wait
	 */
	void awaitEffects(long count, Duration timeout) {
		try {
			await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(this::effects, (effects) -> effects >= count);
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("Waited " + timeout + " for " + count + " effects, " + effects() + " recorded, "
					+ itemsWithoutEffect() + " changes without effect; the children's output ends:" + outputTails(),
					ex);
		}
	}

	private String outputTails() {
		StringBuilder tails = new StringBuilder();
		for (ChildJvm child : this.children) {
			List<String> lines = child.output().lines().toList();
			tails.append("\n===== ").append(child).append(" =====\n")
				.append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
		}
		return tails.toString();
	}

	/**
	 * Terminate every backend of an instance's connections, the listener's and the pool's, with
	 * {@code pg_terminate_backend}.
	 * @param instance the instance
	 * @return how many backends were terminated
	 */
	long terminateBackendsOf(String instance) {
		return queryLong("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
				+ "WHERE application_name = ? AND pid <> pg_backend_pid()", applicationName(instance));
	}

	/**
	 * Return the dead letters of the scenario, which a fault must never cause.
	 * @return the number of dead letters, 0 when Pigeon's table does not exist
	 */
	long deadLetters() {
		if (queryLong("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
				+ "WHERE n.nspname = ? AND c.relname = ?", this.schema, DurableLogSql.DEAD_LETTER) == 0) {
			return 0;
		}
		return queryLong("SELECT count(*) FROM " + table(DurableLogSql.DEAD_LETTER));
	}

	private String table(String name) {
		return SqlIdentifiers.qualified(this.schema, name);
	}

	private Connection connect() throws SQLException {
		return DriverManager.getConnection(this.jdbcUrl, this.username, this.password);
	}

	private void execute(String... statements) throws SQLException {
		try (Connection connection = connect(); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	private void update(String sql, Object... parameters) {
		try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, parameters)) {
			statement.executeUpdate();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(sql, ex);
		}
	}

	private long queryLong(String sql, Object... parameters) {
		try (Connection connection = connect();
				PreparedStatement statement = prepare(connection, sql, parameters);
				ResultSet result = statement.executeQuery()) {
			result.next();
			return result.getLong(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(sql, ex);
		}
	}

	private Instant queryInstant(String sql, Object... parameters) {
		try (Connection connection = connect();
				PreparedStatement statement = prepare(connection, sql, parameters);
				ResultSet result = statement.executeQuery()) {
			result.next();
			java.sql.Timestamp timestamp = result.getTimestamp(1);
			return (timestamp != null) ? timestamp.toInstant() : null;
		}
		catch (SQLException ex) {
			throw new IllegalStateException(sql, ex);
		}
	}

	private static PreparedStatement prepare(Connection connection, String sql, Object... parameters)
			throws SQLException {
		PreparedStatement statement = connection.prepareStatement(sql);
		for (int i = 0; i < parameters.length; i++) {
			statement.setObject(i + 1, parameters[i]);
		}
		return statement;
	}

	/**
	 * Return the lines in which a child logged a second delivery of an event whose effect was
	 * committed (the transactional listener's primary key refused it).
	 * @return the lines, each prefixed by its child's name; empty when there were none
	 */
	List<String> duplicateDeliveries() {
		return this.children.stream()
			.flatMap((child) -> child.output()
				.lines()
				.filter((line) -> line.contains(DurableFaultApplication.DUPLICATE))
				.map((line) -> child.getName() + ": " + line))
			.toList();
	}

	/**
	 * Kill every child that still runs and drop the scenario's schema.
	 */
	@Override
	public void close() throws SQLException {
		for (ChildJvm child : this.children) {
			child.close();
		}
		execute("DROP SCHEMA IF EXISTS " + SqlIdentifiers.quote(this.schema) + " CASCADE");
	}

}
