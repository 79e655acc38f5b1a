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

	private final InstallSettings settings;

	/**
	 * Create a new installer.
	 * @param dataSource where to install, with a user allowed to create triggers and functions
	 * @param configuration the triggers to install
	 * @param settings where Pigeon keeps its own objects, and how problems name the settings
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
		return withConnection(InstallTask.INSTALL, (connection) -> {
			InstallScripts scripts = checkConfiguration(connection);
			try (AdvisoryLock lock = AdvisoryLock.acquire(connection, scripts.history(), this.settings,
					InstallTask.INSTALL)) {
				InstallPlan plan = new InstallPlanner(scripts).plan(connection, activeTriggers());
				List<InstallProblem> problems = new InstallPreconditions(this.settings, scripts.history())
					.check(connection, plan);
				if (!problems.isEmpty()) {
					throw new PigeonInstallException(InstallTask.INSTALL.failure(), problems);
				}
				new InstallExecutor(connection, scripts, this.settings).execute(plan);
				return new InstallSummary(plan.installs().size(), plan.unchanged(), plan.leftOvers().size(),
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
		withConnection(InstallTask.VALIDATE, (connection) -> {
			InstallScripts scripts = checkConfiguration(connection);
			try (AdvisoryLock lock = AdvisoryLock.acquire(connection, scripts.history(), this.settings,
					InstallTask.VALIDATE)) {
				List<InstallProblem> problems = new InstallPlanner(scripts).plan(connection, activeTriggers())
					.differences(this.settings);
				if (!problems.isEmpty()) {
					throw new PigeonInstallException("The database does not match Pigeon's configuration ("
							+ this.settings.name(InstallSetting.MODE) + "="
							+ InstallMode.VALIDATE.name().toLowerCase(Locale.ROOT) + ")", problems);
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
	 * @throws PigeonInstallException if the configuration is invalid or the directory cannot
	 * be written
	 */
	public List<Path> exportScripts(Path directory) {
		return withConnection(InstallTask.EXPORT, (connection) -> {
			InstallScripts scripts = checkConfiguration(connection);
			try {
				return new ScriptExporter(directory).export(scripts, activeTriggers());
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
		return new InstallScripts(new TriggerSqlGenerator(schema),
				new InstallHistory(schema, this.settings.historyTable()));
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

}
