package io.pigeon.internal.install;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import io.pigeon.internal.install.InstallHistory.Entry;
import io.pigeon.internal.install.InstallHistory.Key;
import io.pigeon.internal.install.PostgresCatalog.LiveTrigger;
import io.pigeon.internal.install.PostgresCatalog.Relation;
import io.pigeon.internal.install.TriggerConfiguration.Trigger;
import io.pigeon.internal.sql.TriggerDefinition;
import io.pigeon.internal.sql.TriggerSqlGenerator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Installs, validates and exports Pigeon's triggers, in the manner of Flyway: the configuration
 * is validated against the catalog before any change, instances serialise on an advisory lock,
 * and a history table records what was installed so a restart with the same configuration
 * changes nothing.
 *
 * @since 0.1.0
 */
public class TriggerInstaller {

	/**
	 * How long one DDL statement may wait for a table lock. {@code CREATE TRIGGER} queues for a
	 * lock that blocks every later write to the table, so it must never wait long.
	 */
	static final Duration DDL_LOCK_TIMEOUT = Duration.ofMillis(200);

	/**
	 * How often a DDL transaction is attempted before the table is reported busy.
	 */
	static final int DDL_ATTEMPTS = 4;

	private static final String LOCK_NOT_AVAILABLE = "55P03";

	private static final String DEADLOCK_DETECTED = "40P01";

	private static final char ENABLED = 'O';

	private static final Log logger = LogFactory.getLog(TriggerInstaller.class);

	private final DataSource dataSource;

	private final TriggerConfiguration configuration;

	private final InstallSettings settings;

	/**
	 * Create a new installer.
	 * @param dataSource where to install, with a user allowed to create triggers and functions
	 * @param configuration the triggers to install
	 * @param settings where Pigeon keeps its own objects
	 */
	public TriggerInstaller(DataSource dataSource, TriggerConfiguration configuration, InstallSettings settings) {
		this.dataSource = dataSource;
		this.configuration = configuration;
		this.settings = settings;
	}

	/**
	 * Return the data source the installer connects with.
	 * @return the data source
	 */
	public DataSource getDataSource() {
		return this.dataSource;
	}

	/**
	 * Make the database match the configuration: install new and changed triggers, remove the
	 * ones Pigeon installed that are no longer configured or active, leave the others alone.
	 * @return what was done
	 * @throws PigeonInstallException if the configuration is invalid (nothing is changed then),
	 * a table stays busy, or a trigger of a configured name was not created by Pigeon
	 */
	public InstallSummary install() {
		long start = System.nanoTime();
		return withConnection((connection) -> {
			InstallScripts scripts = checkConfiguration(connection);
			try (AdvisoryLock lock = AdvisoryLock.acquire(connection, scripts.history(), this.settings.lockTimeout())) {
				Plan plan = plan(connection, scripts);
				execute(connection, scripts, plan);
				return new InstallSummary(plan.installs().size(), plan.unchanged(), plan.removals().size(),
						Duration.ofNanos(System.nanoTime() - start));
			}
		});
	}

	/**
	 * Check, without changing anything, that the live catalog holds exactly the configured
	 * triggers as Pigeon would install them.
	 * @throws PigeonInstallException if the configuration is invalid or the database differs
	 * from it
	 */
	public void validate() {
		withConnection((connection) -> {
			InstallScripts scripts = checkConfiguration(connection);
			try (AdvisoryLock lock = AdvisoryLock.acquire(connection, scripts.history(), this.settings.lockTimeout())) {
				List<InstallProblem> problems = compare(connection, scripts);
				if (!problems.isEmpty()) {
					throw new PigeonInstallException(
							"The database does not match Pigeon's configuration (pigeon.install.mode=validate)",
							problems);
				}
			}
			return null;
		});
	}

	/**
	 * Write the SQL scripts installing Pigeon's own objects and every active trigger, named so
	 * that running them in name order on a database with the same tables produces the same
	 * objects as {@link #install()}.
	 * @param directory the directory to write to, created if missing
	 * @return the scripts written, in the order to run them
	 * @throws PigeonInstallException if the configuration is invalid
	 */
	public List<Path> exportScripts(Path directory) {
		return withConnection((connection) -> {
			InstallScripts scripts = checkConfiguration(connection);
			try {
				return new ScriptExporter(directory).export(scripts, activeTriggers());
			}
			catch (IOException ex) {
				throw new PigeonInstallException("Pigeon could not export its scripts",
						List.of(new InstallProblem("pigeon.install.export-location",
								"writing to " + directory + " failed: " + ex.getMessage(),
								"Make the location a writable directory, or unset it.")),
						ex);
			}
		});
	}

	private InstallScripts checkConfiguration(Connection connection) throws SQLException {
		List<InstallProblem> problems = new CatalogValidator(this.configuration, this.settings).validate(connection);
		if (!problems.isEmpty()) {
			throw new PigeonInstallException("Pigeon's configuration does not match the database", problems);
		}
		String schema = this.settings.schema();
		if (schema == null) {
			// The validator has made sure there is one.
			schema = new PostgresCatalog(connection).currentSchema();
		}
		return new InstallScripts(new TriggerSqlGenerator(schema),
				new InstallHistory(schema, this.settings.historyTable()));
	}

	private List<Trigger> activeTriggers() {
		return this.configuration.triggers().stream().filter(Trigger::active).toList();
	}

	private Plan plan(Connection connection, InstallScripts scripts) throws SQLException {
		PostgresCatalog catalog = new PostgresCatalog(connection);
		InstallHistory.State state = scripts.history().read(connection);
		List<InstallProblem> problems = new ArrayList<>();
		List<Install> installs = new ArrayList<>();
		int unchanged = 0;
		Set<Key> active = new HashSet<>();
		for (Trigger trigger : activeTriggers()) {
			TriggerDefinition definition = trigger.definition();
			active.add(Key.of(definition));
			Entry entry = state.triggers().get(Key.of(definition));
			LiveTrigger live = catalog.trigger(definition.schema(), definition.table(), definition.name());
			if (entry != null && entry.checksum().equals(scripts.checksum(definition)) && matches(entry, live)) {
				unchanged++;
				continue;
			}
			if (entry == null && live != null) {
				problems.add(new InstallProblem(trigger.defaultName() ? trigger.path() : trigger.path("name"),
						trigger.describe() + " already exists and was not created by Pigeon (its history table "
								+ scripts.history().table() + " has no record of it); Pigeon never touches it",
						"Give Pigeon's trigger another name, or drop the existing trigger yourself."));
			}
			checkFunctionOwnership(catalog, state, trigger, problems);
			checkPrivileges(catalog, trigger, problems);
			installs.add(new Install(trigger, entry));
		}
		List<Entry> removals = new ArrayList<>();
		for (Entry entry : state.triggers().values()) {
			if (!active.contains(entry.key())) {
				removals.add(entry);
				checkRemovalPrivileges(catalog, entry, problems);
			}
		}
		String pigeonSchema = scripts.history().schema();
		// Only trigger functions use Pigeon's own objects: an application that only listens or sends
		// needs none, and its user may have no right to create them.
		boolean supportNeeded = !active.isEmpty() && (!scripts.supportChecksum().equals(state.supportChecksum())
				|| !catalog.supportObjectsExist(pigeonSchema));
		if (supportNeeded && !catalog.hasSchemaPrivilege(pigeonSchema, "CREATE")) {
			problems.add(new InstallProblem(InstallSettings.SCHEMA_PROPERTY,
					"user \"" + catalog.currentUser() + "\" may not create Pigeon's own objects in schema \""
							+ pigeonSchema + "\"",
					"GRANT CREATE ON SCHEMA to it, or set '" + InstallSettings.SCHEMA_PROPERTY
							+ "' to a schema where it may."));
		}
		if (!problems.isEmpty()) {
			throw new PigeonInstallException("Pigeon could not install its triggers", problems);
		}
		return new Plan(supportNeeded, installs, unchanged, removals);
	}

	private static boolean matches(Entry entry, @Nullable LiveTrigger live) {
		return live != null && live.enabled() == ENABLED && live.oid() == entry.triggerOid()
				&& live.fingerprint().equals(entry.triggerFingerprint()) && live.functionOid() == entry.functionOid()
				&& live.functionFingerprint().equals(entry.functionFingerprint());
	}

	private void checkFunctionOwnership(PostgresCatalog catalog, InstallHistory.State state, Trigger trigger,
			List<InstallProblem> problems) throws SQLException {
		TriggerDefinition definition = trigger.definition();
		if (catalog.function(definition.schema(), definition.function()) != null
				&& !state.ownsFunction(definition.schema(), definition.function())) {
			problems.add(new InstallProblem(trigger.defaultFunction() ? trigger.path() : trigger.path("function"),
					"function \"" + definition.schema() + "\".\"" + definition.function()
							+ "\"() already exists and was not created by Pigeon; Pigeon never replaces it",
					"Give Pigeon's function another name with '" + trigger.path("function")
							+ "', or drop the existing function yourself."));
		}
	}

	private void checkPrivileges(PostgresCatalog catalog, Trigger trigger, List<InstallProblem> problems)
			throws SQLException {
		TriggerDefinition definition = trigger.definition();
		Relation relation = catalog.relation(definition.schema(), definition.table());
		String user = catalog.currentUser();
		if (relation != null && !relation.triggerPrivilege()) {
			problems.add(new InstallProblem(trigger.path(),
					"user \"" + user + "\" may not create triggers on " + relation.describe() + " (TRIGGER privilege)",
					"GRANT TRIGGER ON the table to it, or set pigeon.install.username to a user who may."));
		}
		if (!catalog.hasSchemaPrivilege(definition.schema(), "CREATE")) {
			problems.add(new InstallProblem(trigger.path(),
					"user \"" + user + "\" may not create functions in schema \"" + definition.schema() + "\"",
					"GRANT CREATE ON SCHEMA to it, or set pigeon.install.username to a user who may."));
		}
	}

	private void checkRemovalPrivileges(PostgresCatalog catalog, Entry entry, List<InstallProblem> problems)
			throws SQLException {
		Relation relation = catalog.relation(entry.schema(), entry.table());
		if (relation != null && !relation.owned()
				&& catalog.trigger(entry.schema(), entry.table(), entry.trigger()) != null) {
			problems.add(new InstallProblem(null,
					"user \"" + catalog.currentUser() + "\" may not remove " + entry.describe()
							+ ", which is no longer configured (only the table's owner may)",
					"Set pigeon.install.username to a user owning the table, or drop the trigger yourself."));
		}
	}

	private void execute(Connection connection, InstallScripts scripts, Plan plan) throws SQLException {
		if (plan.supportNeeded()) {
			String objects = "Pigeon's own objects in schema \"" + scripts.history().schema() + "\"";
			inTransaction(connection, objects, InstallSettings.SCHEMA_PROPERTY, (statement) -> {
				for (String sql : scripts.supportObjects()) {
					statement.execute(sql);
				}
			});
		}
		for (Install install : plan.installs()) {
			TriggerDefinition definition = install.trigger().definition();
			inTransaction(connection, table(definition.schema(), definition.table()), install.trigger().path(),
					(statement) -> replace(connection, statement, scripts, install));
			if (install.entry() != null) {
				logger.info("Pigeon: replaced " + install.trigger().describe() + reason(install, scripts));
			}
		}
		for (Entry entry : plan.removals()) {
			inTransaction(connection, table(entry.schema(), entry.table()), null,
					(statement) -> remove(connection, statement, scripts, entry));
			logger.info("Pigeon: removed " + entry.describe() + ", which is no longer configured or active");
		}
	}

	private static String reason(Install install, InstallScripts scripts) {
		Entry entry = install.entry();
		if (entry != null && !entry.checksum().equals(scripts.checksum(install.trigger().definition()))) {
			return " (its configuration changed)";
		}
		return " (it was changed outside Pigeon)";
	}

	/**
	 * Install a trigger, or replace it and its function in one transaction, so that there is
	 * never a moment without the trigger.
	 */
	private void replace(Connection connection, Statement statement, InstallScripts scripts, Install install)
			throws SQLException {
		TriggerDefinition definition = install.trigger().definition();
		TriggerSqlGenerator generator = scripts.generator();
		List<String> sql = scripts.install(definition);
		Entry entry = install.entry();
		if (entry == null) {
			// Plain CREATE fails rather than replace an object that appeared since the plan. The
			// function may exist already: Pigeon's own, kept when the trigger calling it was renamed.
			boolean functionExists = new PostgresCatalog(connection).function(definition.schema(),
					definition.function()) != null;
			statement.execute(functionExists ? generator.createOrReplaceFunction(definition) : sql.get(0));
			statement.execute(sql.get(1));
		}
		else {
			statement.execute(generator.createOrReplaceFunction(definition));
			statement.execute(generator.createOrReplaceTrigger(definition));
			if (!entry.function().equals(definition.function())) {
				dropFunctionIfUnused(connection, statement, generator, entry);
			}
		}
		record(statement, sql.get(2), install.trigger().describe());
	}

	private void remove(Connection connection, Statement statement, InstallScripts scripts, Entry entry)
			throws SQLException {
		TriggerSqlGenerator generator = scripts.generator();
		if (new PostgresCatalog(connection).trigger(entry.schema(), entry.table(), entry.trigger()) != null) {
			statement.execute(generator.dropTrigger(entry.schema(), entry.table(), entry.trigger()));
		}
		dropFunctionIfUnused(connection, statement, generator, entry);
		statement.execute(scripts.history().recordRemoval(entry));
	}

	/**
	 * Drop the function of a removed or renamed trigger, unless a configured trigger uses a
	 * function of that name or another trigger calls it (a function is never dropped with
	 * CASCADE).
	 */
	private void dropFunctionIfUnused(Connection connection, Statement statement, TriggerSqlGenerator generator,
			Entry entry) throws SQLException {
		boolean configured = activeTriggers().stream()
			.map(Trigger::definition)
			.anyMatch((definition) -> definition.schema().equals(entry.schema())
					&& definition.function().equals(entry.function()));
		PostgresCatalog catalog = new PostgresCatalog(connection);
		Long function = catalog.function(entry.schema(), entry.function());
		if (configured || function == null) {
			return;
		}
		if (catalog.triggersCalling(function) > 0) {
			logger.warn("Pigeon: kept function \"" + entry.schema() + "\".\"" + entry.function()
					+ "\"() of the removed " + entry.describe() + ": other triggers call it");
			return;
		}
		statement.execute(generator.dropFunction(entry.schema(), entry.function()));
	}

	private static void record(Statement statement, String sql, String trigger) throws SQLException {
		if (statement.executeUpdate(sql) != 1) {
			throw new SQLException("The history could not record " + trigger + ": it is not in the catalog");
		}
	}

	private List<InstallProblem> compare(Connection connection, InstallScripts scripts) throws SQLException {
		PostgresCatalog catalog = new PostgresCatalog(connection);
		InstallHistory history = scripts.history();
		InstallHistory.State state = history.read(connection);
		List<InstallProblem> problems = new ArrayList<>();
		String fix = "Run the application once with pigeon.install.mode=auto, or have the scripts exported to "
				+ "pigeon.install.export-location applied.";
		List<Trigger> active = activeTriggers();
		if (!active.isEmpty()) {
			String objects = "Pigeon's own objects in schema \"" + history.schema() + "\"";
			if (!catalog.supportObjectsExist(history.schema())) {
				problems.add(new InstallProblem(InstallSettings.SCHEMA_PROPERTY, objects + " are missing", fix));
			}
			else if (!scripts.supportChecksum().equals(state.supportChecksum())) {
				problems.add(new InstallProblem(InstallSettings.SCHEMA_PROPERTY, objects + " are outdated", fix));
			}
		}
		Set<Key> keys = new HashSet<>();
		for (Trigger trigger : active) {
			TriggerDefinition definition = trigger.definition();
			keys.add(Key.of(definition));
			Entry entry = state.triggers().get(Key.of(definition));
			LiveTrigger live = catalog.trigger(definition.schema(), definition.table(), definition.name());
			String difference = difference(trigger, entry, live, scripts);
			if (difference != null) {
				problems.add(new InstallProblem(trigger.path(), difference, fix));
			}
		}
		for (Entry entry : state.triggers().values()) {
			if (!keys.contains(entry.key())
					&& catalog.trigger(entry.schema(), entry.table(), entry.trigger()) != null) {
				problems.add(new InstallProblem(null,
						entry.describe() + " is installed but no longer configured or active", fix));
			}
		}
		return problems;
	}

	private static @Nullable String difference(Trigger trigger, @Nullable Entry entry, @Nullable LiveTrigger live,
			InstallScripts scripts) {
		String name = trigger.describe();
		TriggerDefinition definition = trigger.definition();
		if (entry == null) {
			return (live != null) ? name + " exists but was not installed by Pigeon" : name + " is not installed";
		}
		if (live == null) {
			return name + " was dropped outside Pigeon";
		}
		if (live.enabled() != ENABLED) {
			return name + " is disabled (pg_trigger.tgenabled = '" + live.enabled() + "')";
		}
		if (live.oid() != entry.triggerOid()) {
			return name + " was re-created outside Pigeon";
		}
		if (!live.fingerprint().equals(entry.triggerFingerprint())) {
			return name + " was altered outside Pigeon";
		}
		String function = "function \"" + live.functionSchema() + "\".\"" + live.functionName() + "\"() of " + name;
		if (live.functionOid() != entry.functionOid()) {
			return function + " was re-created outside Pigeon";
		}
		if (!live.functionFingerprint().equals(entry.functionFingerprint())) {
			return function + " was edited outside Pigeon";
		}
		if (!entry.checksum().equals(scripts.checksum(definition))) {
			return name + " is installed with an earlier definition; its configuration has changed since";
		}
		return null;
	}

	private void inTransaction(Connection connection, String object, @Nullable String path, SqlWork work)
			throws SQLException {
		for (int attempt = 1;; attempt++) {
			connection.setAutoCommit(false);
			try (Statement statement = connection.createStatement()) {
				statement.execute("SET LOCAL lock_timeout = '" + DDL_LOCK_TIMEOUT.toMillis() + "ms'");
				work.execute(statement);
				connection.commit();
				return;
			}
			catch (SQLException ex) {
				connection.rollback();
				String state = ex.getSQLState();
				boolean busy = LOCK_NOT_AVAILABLE.equals(state) || DEADLOCK_DETECTED.equals(state);
				if (!busy) {
					throw new PigeonInstallException("Pigeon could not install its triggers",
							List.of(new InstallProblem(path, "installing on " + object + " failed: " + ex.getMessage(),
									"Correct the cause reported by PostgreSQL and restart.")),
							ex);
				}
				if (attempt == DDL_ATTEMPTS) {
					throw new PigeonInstallException("Pigeon could not install its triggers",
							List.of(new InstallProblem(path,
									object + " is busy: another transaction held a lock on it through " + DDL_ATTEMPTS
											+ " attempts, each waiting at most " + DDL_LOCK_TIMEOUT.toMillis() + " ms",
									"Pigeon does not wait longer, so as not to stall the application's writes "
											+ "queued behind it. Find the long-running transaction holding the lock "
											+ "(pg_locks, pg_stat_activity) and restart once it has ended.")),
							ex);
				}
				pause(attempt);
			}
			finally {
				connection.setAutoCommit(true);
			}
		}
	}

	private static void pause(int attempt) {
		try {
			// Lets the transaction holding the lock finish before the next attempt queues again.
			Thread.sleep(DDL_LOCK_TIMEOUT.toMillis() * attempt);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting to install Pigeon's triggers", ex);
		}
	}

	private static String table(String schema, String table) {
		return "table \"" + schema + "\".\"" + table + "\"";
	}

	private <T> T withConnection(ConnectionWork<T> work) {
		try (Connection connection = this.dataSource.getConnection()) {
			boolean autoCommit = connection.getAutoCommit();
			connection.setAutoCommit(true);
			try {
				return work.execute(connection);
			}
			finally {
				connection.setAutoCommit(autoCommit);
			}
		}
		catch (SQLException ex) {
			throw new PigeonInstallException("Pigeon could not install its triggers",
					List.of(new InstallProblem(null, "the database failed: " + ex.getMessage(),
							"Check the connection and the installing user's privileges.")),
					ex);
		}
	}

	@FunctionalInterface
	private interface ConnectionWork<T> {

		T execute(Connection connection) throws SQLException;

	}

	@FunctionalInterface
	private interface SqlWork {

		void execute(Statement statement) throws SQLException;

	}

	private record Install(Trigger trigger, @Nullable Entry entry) {

	}

	private record Plan(boolean supportNeeded, List<Install> installs, int unchanged, List<Entry> removals) {

	}

}
