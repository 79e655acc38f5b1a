package io.pigeon.internal.install;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import io.pigeon.internal.install.TriggerConfiguration.Trigger;
import io.pigeon.internal.sql.TriggerSqlGenerator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Installs, validates and exports Pigeon's triggers, in the manner of Flyway: the configuration
 * is validated against the catalog before any change, instances serialise on an advisory lock,
 * and a history table records what was installed so a restart with the same configuration
 * changes nothing. Each task is the same few steps: {@link CatalogValidator} checks the
 * configuration, {@link InstallPlanner} compares it with the database, and then
 * {@link InstallPreconditions} and {@link InstallExecutor} apply the plan (mode {@code auto}),
 * the plan's differences are reported (mode {@code validate}), or {@link ScriptExporter}
 * writes the scripts.
 *
 * @since 0.1.0
 */
public class TriggerInstaller {

	private final DataSource dataSource;

	private final TriggerConfiguration configuration;

	/**
	 * How often an installation plans again after other installations ran between its
	 * transactions, before it gives up.
	 */
	static final int PLAN_ATTEMPTS = 10;

	private static final Log logger = LogFactory.getLog(TriggerInstaller.class);

	private final InstallSettings settings;

	private final InstallOwner owner;

	/**
	 * Create a new installer for the {@link InstallOwner#unversioned() default owner}.
	 * @param dataSource where to install, with a user allowed to create triggers and functions
	 * @param configuration the triggers to install
	 * @param settings where Pigeon keeps its own objects, and how problems name the settings
	 */
	public TriggerInstaller(DataSource dataSource, TriggerConfiguration configuration, InstallSettings settings) {
		this(dataSource, configuration, settings, InstallOwner.unversioned());
	}

	/**
	 * Create a new installer.
	 * @param dataSource where to install, with a user allowed to create triggers and functions
	 * @param configuration the triggers to install
	 * @param settings where Pigeon keeps its own objects, and how problems name the settings
	 * @param owner whose triggers the installer manages, and the version of its configuration
	 */
	public TriggerInstaller(DataSource dataSource, TriggerConfiguration configuration, InstallSettings settings,
			InstallOwner owner) {
		this.dataSource = dataSource;
		this.configuration = configuration;
		this.settings = settings;
		this.owner = owner;
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
	 * ones this owner installed that are no longer configured or active, leave the others
	 * alone. An instance whose configuration is older than the newest its owner installed
	 * changes nothing and logs what differs, unless downgrades are allowed.
	 * @return what was done
	 * @throws PigeonInstallException if the configuration is invalid (nothing is changed then),
	 * a table stays busy, or a trigger of a configured name was not created by this owner
	 */
	public InstallSummary install() {
		long start = System.nanoTime();
		return withConnection(InstallTask.INSTALL, (connection) -> {
			InstallScripts scripts = checkConfiguration(connection);
			InstallExecutor executor = null;
			for (int attempt = 1;; attempt++) {
				PlannedInstallation planned = inLockedTransaction(connection, scripts, InstallTask.INSTALL, () -> {
					InstallPlan plan = new InstallPlanner(scripts).plan(connection, activeTriggers());
					List<InstallProblem> problems = new InstallPreconditions(this.settings, scripts.history())
						.check(connection, plan);
					if (!problems.isEmpty()) {
						throw new PigeonInstallException(InstallTask.INSTALL.failure(), problems);
					}
					return new PlannedInstallation(plan, scripts.history().mark(connection));
				});
				InstallPlan plan = planned.plan();
				if (executor == null) {
					String downgrade = new DowngradeCheck(this.owner, this.settings).refusal(plan);
					if (downgrade != null) {
						logger.warn(downgrade);
						return new InstallSummary(0, plan.triggers().size(), 0,
								Duration.ofNanos(System.nanoTime() - start));
					}
					executor = new InstallExecutor(connection, scripts, this.settings, planned.mark());
				}
				else {
					executor.replanned(planned.mark());
				}
				if (executor.execute(plan)) {
					return new InstallSummary(executor.installed(), plan.triggers().size() - executor.installed(),
							executor.removed(), Duration.ofNanos(System.nanoTime() - start));
				}
				if (attempt == PLAN_ATTEMPTS) {
					throw new PigeonInstallException(InstallTask.INSTALL.failure(),
							List.of(new InstallProblem(null,
									"other installations wrote to the history table " + scripts.history().table()
											+ " between this one's transactions " + PLAN_ATTEMPTS + " times",
									"Restart once the other instances have started.")));
				}
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
		withConnection(InstallTask.VALIDATE, (connection) -> {
			InstallScripts scripts = checkConfiguration(connection);
			List<InstallProblem> problems = inLockedTransaction(connection, scripts, InstallTask.VALIDATE,
					() -> new InstallPlanner(scripts).plan(connection, activeTriggers()).differences(this.settings));
			if (!problems.isEmpty()) {
				throw new PigeonInstallException("The database does not match Pigeon's configuration ("
						+ this.settings.name(InstallSetting.MODE) + "="
						+ InstallMode.VALIDATE.name().toLowerCase(Locale.ROOT) + ")", problems);
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
	 * @throws PigeonInstallException if the configuration is invalid or the directory cannot
	 * be written
	 */
	public List<Path> exportScripts(Path directory) {
		return withConnection(InstallTask.EXPORT, (connection) -> {
			InstallScripts scripts = checkConfiguration(connection);
			try {
				return new ScriptExporter(directory).export(scripts, activeTriggers(), new PostgresCatalog(connection));
			}
			catch (IOException ex) {
				throw new PigeonInstallException(InstallTask.EXPORT.failure(),
						List.of(new InstallProblem(this.settings.name(InstallSetting.EXPORT_LOCATION),
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
		return new InstallScripts(new TriggerSqlGenerator(schema, this.configuration.durableWakeUp()),
				new InstallHistory(schema, this.settings.historyTable(), this.owner));
	}

	/**
	 * Read in one transaction under the installation's lock, so that what is read is one
	 * consistent state that no other installation is changing.
	 */
	private <T> T inLockedTransaction(Connection connection, InstallScripts scripts, InstallTask task,
			SqlWork<T> work) throws SQLException {
		connection.setAutoCommit(false);
		try {
			AdvisoryLock.lockTransaction(connection, scripts.history(), this.settings, task);
			T result = work.execute();
			connection.commit();
			return result;
		}
		catch (SQLException | RuntimeException ex) {
			connection.rollback();
			throw ex;
		}
		finally {
			connection.setAutoCommit(true);
		}
	}

	private List<Trigger> activeTriggers() {
		return this.configuration.triggers().stream().filter(Trigger::active).toList();
	}

	private <T> T withConnection(InstallTask task, ConnectionWork<T> work) {
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
			throw new PigeonInstallException(task.failure(),
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
	private interface SqlWork<T> {

		T execute() throws SQLException;

	}

	/**
	 * A plan with the history's high-water mark it was made at.
	 */
	private record PlannedInstallation(InstallPlan plan, @Nullable Long mark) {

	}

}
