package io.pigeon.internal.install;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.pigeon.internal.install.InstallHistory.Entry;
import io.pigeon.internal.install.InstallPlan.LeftOver;
import io.pigeon.internal.install.InstallPlan.PlannedTrigger;
import io.pigeon.internal.install.PostgresCatalog.LiveTrigger;
import io.pigeon.internal.sql.TriggerDefinition;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Applies an {@link InstallPlan} whose preconditions hold: each table's DDL and its history
 * record in one short transaction, tried again a few times when a table is busy rather than
 * queueing for its lock. Each transaction takes the installation's {@link AdvisoryLock} and
 * stops the plan if another installation has written to the history since the plan was made,
 * so that the installer plans again from what that one left.
 */
final class InstallExecutor {

	/**
	 * How long one DDL statement may wait for a table lock. {@code CREATE TRIGGER} queues for a
	 * lock that blocks every later write to the table, so it must never wait long.
	 */
	static final Duration DDL_LOCK_TIMEOUT = Duration.ofMillis(200);

	/**
	 * How often a DDL transaction is attempted before the table is reported busy.
	 */
	static final int DDL_ATTEMPTS = 4;

	// Logged under the installer, whose category users already configure for its messages.
	private static final Log logger = LogFactory.getLog(TriggerInstaller.class);

	private final Connection connection;

	private final InstallScripts scripts;

	private final InstallSettings settings;

	private @Nullable Long mark;

	private int installed;

	private int removed;

	/**
	 * Create a new executor.
	 * @param connection the connection to apply plans with
	 * @param scripts the statements to run
	 * @param settings the lock's time-out, and how to name the settings that problems concern
	 * @param mark the history's high-water mark when the plan was made
	 * ({@link InstallHistory#mark(Connection)})
	 */
	InstallExecutor(Connection connection, InstallScripts scripts, InstallSettings settings, @Nullable Long mark) {
		this.connection = connection;
		this.scripts = scripts;
		this.settings = settings;
		this.mark = mark;
	}

	/**
	 * Apply a plan: Pigeon's own objects first, then each trigger to install or replace, then
	 * each trigger to remove.
	 * @param plan the plan, whose preconditions hold
	 * @return {@code true} if the plan was applied, {@code false} if another installation
	 * wrote to the history first and the rest of the plan was left undone
	 * @throws SQLException on a database error outside the DDL transactions
	 * @throws PigeonInstallException if a statement fails or a table stays busy
	 */
	boolean execute(InstallPlan plan) throws SQLException {
		String objects = "Pigeon's own objects in schema \"" + plan.schema() + "\"";
		if (plan.support().needsInstall()) {
			if (!inTransaction(objects, this.settings.name(InstallSetting.SCHEMA),
					(statement) -> executeAll(statement, this.scripts.support().statements()))) {
				return false;
			}
		}
		else if (plan.recorded().needsMigration() && !inTransaction(objects,
				this.settings.name(InstallSetting.HISTORY_TABLE),
				(statement) -> executeAll(statement, this.scripts.history().migrateTable()))) {
			return false;
		}
		if (plan.durableLog().needsInstall()
				&& !inTransaction("Pigeon's change log in schema \"" + plan.schema() + "\"",
						this.settings.name(InstallSetting.SCHEMA),
						(statement) -> executeAll(statement, this.scripts.durableLog().statements()))) {
			return false;
		}
		for (PlannedTrigger planned : plan.installs()) {
			TriggerDefinition definition = planned.trigger().definition();
			if (!inTransaction(table(definition.schema(), definition.table()), planned.trigger().path(),
					(statement) -> install(statement, plan, planned))) {
				return false;
			}
			this.installed++;
			if (planned.entry() != null) {
				logger.info("Pigeon: replaced " + planned.trigger().describe() + " " + planned.replacementReason());
			}
		}
		for (LeftOver leftOver : plan.leftOvers()) {
			Entry entry = leftOver.entry();
			if (!inTransaction(table(entry.schema(), entry.table()), null,
					(statement) -> remove(statement, plan, leftOver))) {
				return false;
			}
			this.removed++;
			logger.info("Pigeon: removed " + entry.describe() + ", which is no longer configured or active");
		}
		return true;
	}

	/**
	 * Return how many triggers this executor installed or replaced, over every plan.
	 * @return the number of triggers
	 */
	int installed() {
		return this.installed;
	}

	/**
	 * Return how many triggers this executor removed, over every plan.
	 * @return the number of triggers
	 */
	int removed() {
		return this.removed;
	}

	/**
	 * Continue with a new plan, made since the last one was left undone.
	 * @param mark the history's high-water mark when the new plan was made
	 */
	void replanned(@Nullable Long mark) {
		this.mark = mark;
	}

	private static void executeAll(Statement statement, List<String> statements) throws SQLException {
		for (String sql : statements) {
			statement.execute(sql);
		}
	}

	/**
	 * Install a trigger, or replace it and its function in one transaction, so that there is
	 * never a moment without the trigger.
	 */
	private void install(Statement statement, InstallPlan plan, PlannedTrigger planned) throws SQLException {
		TriggerDefinition definition = planned.trigger().definition();
		TriggerScript script = planned.script();
		Entry entry = planned.entry();
		if (entry == null) {
			// Plain CREATE fails rather than replace an object that appeared since the plan. The
			// function may exist already: Pigeon's own, kept when the trigger calling it was renamed.
			boolean functionExists = catalog().function(definition.schema(), definition.function()) != null;
			statement.execute(functionExists ? script.createOrReplaceFunction() : script.createFunction());
			statement.execute(script.createTrigger());
		}
		else {
			// A durable trigger's further PostgreSQL triggers (one per event) that the new
			// definition no longer has: read before the replacement, while they call the old function.
			List<String> companions = catalog().companions(definition.schema(), definition.table(), entry.trigger());
			statement.execute(script.createOrReplaceFunction());
			statement.execute(script.createOrReplaceTrigger());
			for (String companion : companions) {
				if (!script.triggerNames().contains(companion)) {
					statement.execute(this.scripts.dropTrigger(definition.schema(), definition.table(), companion));
				}
			}
			restoreFiringMode(statement, planned);
			if (!entry.function().equals(definition.function())) {
				dropFunctionIfUnused(statement, plan, entry);
			}
		}
		if (statement.executeUpdate(script.recordInstall()) != 1) {
			throw new SQLException("The history could not record " + planned.trigger().describe()
					+ ": it is not in the catalog");
		}
	}

	/**
	 * Set the firing mode an operator gave the trigger ({@code ENABLE ALWAYS} or
	 * {@code ENABLE REPLICA}) again, in the transaction that replaced it and so reset it; on a
	 * partitioned table PostgreSQL passes it on to every partition's clone.
	 */
	private void restoreFiringMode(Statement statement, PlannedTrigger planned) throws SQLException {
		LiveTrigger live = planned.live();
		String keyword = (live != null) ? FiringMode.of(live.enabled()).restoreKeyword() : null;
		if (keyword != null) {
			for (String name : planned.script().triggerNames()) {
				statement.execute(this.scripts.restoreFiringMode(planned.trigger().definition(), name, keyword));
			}
		}
	}

	private void remove(Statement statement, InstallPlan plan, LeftOver leftOver) throws SQLException {
		Entry entry = leftOver.entry();
		// Checked again in the transaction: the trigger may have gone since the plan.
		if (catalog().trigger(entry.schema(), entry.table(), entry.trigger()) != null) {
			// A durable trigger's further PostgreSQL triggers go with it; its log stays.
			for (String companion : catalog().companions(entry.schema(), entry.table(), entry.trigger())) {
				statement.execute(this.scripts.dropTrigger(entry.schema(), entry.table(), companion));
			}
			statement.execute(this.scripts.dropTrigger(entry));
		}
		dropFunctionIfUnused(statement, plan, entry);
		statement.execute(this.scripts.recordRemoval(entry));
	}

	/**
	 * Drop the function of a removed or renamed trigger, unless a configured trigger uses a
	 * function of that name or another trigger calls it (a function is never dropped with
	 * CASCADE).
	 */
	private void dropFunctionIfUnused(Statement statement, InstallPlan plan, Entry entry) throws SQLException {
		PostgresCatalog catalog = catalog();
		Long function = catalog.function(entry.schema(), entry.function());
		if (plan.configuresFunction(entry.schema(), entry.function()) || function == null) {
			return;
		}
		if (catalog.triggersCalling(function) > 0) {
			logger.warn("Pigeon: kept function \"" + entry.schema() + "\".\"" + entry.function()
					+ "\"() of the removed " + entry.describe() + ": other triggers call it");
			return;
		}
		statement.execute(this.scripts.dropFunction(entry));
	}

	private PostgresCatalog catalog() {
		return new PostgresCatalog(this.connection);
	}

	/**
	 * Run one DDL transaction under the installation's lock.
	 * @return {@code false} if another installation wrote to the history since the plan, and
	 * nothing was done
	 */
	private boolean inTransaction(String object, @Nullable String path, SqlWork work) throws SQLException {
		InstallHistory history = this.scripts.history();
		for (int attempt = 1;; attempt++) {
			this.connection.setAutoCommit(false);
			try (Statement statement = this.connection.createStatement()) {
				AdvisoryLock.lockTransaction(this.connection, history, this.settings, InstallTask.INSTALL);
				if (!Objects.equals(history.mark(this.connection), this.mark)) {
					this.connection.rollback();
					return false;
				}
				statement.execute(InstallHistory.STANDARD_STRINGS);
				statement.execute("SET LOCAL lock_timeout = '" + DDL_LOCK_TIMEOUT.toMillis() + "ms'");
				work.execute(statement);
				this.mark = history.mark(this.connection);
				this.connection.commit();
				return true;
			}
			catch (RuntimeException ex) {
				this.connection.rollback();
				throw ex;
			}
			catch (SQLException ex) {
				this.connection.rollback();
				if (!SqlStates.isLockConflict(ex.getSQLState())) {
					throw new PigeonInstallException(InstallTask.INSTALL.failure(),
							List.of(new InstallProblem(path, "installing on " + object + " failed: " + ex.getMessage(),
									"Correct the cause reported by PostgreSQL and restart.")),
							ex);
				}
				if (attempt == DDL_ATTEMPTS) {
					throw new PigeonInstallException(InstallTask.INSTALL.failure(),
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
				this.connection.setAutoCommit(true);
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

	@FunctionalInterface
	private interface SqlWork {

		void execute(Statement statement) throws SQLException;

	}

}
