package io.pigeon.autoconfigure;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

import io.pigeon.internal.install.InstallMode;
import io.pigeon.internal.install.PigeonInstallRunner;
import io.pigeon.internal.install.TriggerInstaller;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ApplicationArguments;

/**
 * A {@link PigeonInstallRunner} that first makes sure the installer's database is PostgreSQL,
 * so that another database fails start-up saying so rather than with the error of the first
 * catalog query. It checks only when the runner connects anyway: with the mode {@code none}
 * and no export location, nothing connects.
 */
final class PostgresqlInstallRunner extends PigeonInstallRunner {

	private static final String POSTGRESQL = "PostgreSQL";

	private final TriggerInstaller installer;

	private final boolean connects;

	PostgresqlInstallRunner(TriggerInstaller installer, InstallMode mode, @Nullable Path exportDirectory) {
		super(installer, mode, exportDirectory);
		this.installer = installer;
		this.connects = mode != InstallMode.NONE || exportDirectory != null;
	}

	@Override
	public void run(ApplicationArguments args) {
		if (this.connects) {
			requirePostgresql();
		}
		super.run(args);
	}

	private void requirePostgresql() {
		String product;
		try (Connection connection = this.installer.getDataSource().getConnection()) {
			DatabaseMetaData metaData = connection.getMetaData();
			if (POSTGRESQL.equals(metaData.getDatabaseProductName())) {
				return;
			}
			product = metaData.getDatabaseProductName() + " " + metaData.getDatabaseProductVersion();
		}
		catch (SQLException ex) {
			// The installer reports it, with its advice on connections and privileges.
			return;
		}
		throw new PigeonDataSourceException("Pigeon's installer connects to " + product + ", not to PostgreSQL: "
				+ "Pigeon's triggers and LISTEN/NOTIFY exist only in PostgreSQL.",
				"Point Pigeon at a PostgreSQL database: annotate a PostgreSQL DataSource with "
						+ "@io.pigeon.autoconfigure.PigeonDataSource, or set pigeon.install.url and "
						+ "pigeon.listener.url. To run without Pigeon, set pigeon.enabled=false.");
	}

}
