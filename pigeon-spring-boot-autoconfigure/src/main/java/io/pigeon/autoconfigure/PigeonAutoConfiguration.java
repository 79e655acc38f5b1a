package io.pigeon.autoconfigure;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import io.pigeon.internal.install.InstallOwner;
import io.pigeon.internal.install.InstallProblem;
import io.pigeon.internal.install.InstallSetting;
import io.pigeon.internal.install.InstallSettings;
import io.pigeon.internal.install.PigeonInstallException;
import io.pigeon.internal.install.PigeonInstallRunner;
import io.pigeon.internal.install.TriggerInstaller;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration for Pigeon: installs the configured triggers
 * and delivers their notifications to {@code @PigeonListener} methods.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "pigeon.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PigeonProperties.class)
@Import({ PigeonConfigurationChecks.class, PigeonOverflowConfiguration.class, PigeonDurableOperationsConfiguration.class })
public final class PigeonAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(DataSource.class)
	@Import(PigeonDatabaseConfiguration.class)
	static class InstallerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		TriggerInstaller pigeonTriggerInstaller(PigeonDatabase database, PigeonProperties properties,
				Environment environment) {
			PigeonProperties.Install install = properties.getInstall();
			// Durable triggers' SQL depends on pigeon.durable.wake-up: its values are checked before any DDL.
			DurablePropertiesValidator.validate(properties.getDurable());
			return new TriggerInstaller(installDataSource(database.dataSource(), install),
					TriggerConfigurationResolver.resolve(properties), installSettings(database, install),
					installOwner(install, environment));
		}

		/**
		 * Return the installer's owner and version, by default the application's name and the
		 * version Spring Boot reads from the jar's manifest.
		 */
		private static InstallOwner installOwner(PigeonProperties.Install install, Environment environment) {
			String owner = StringUtils.hasText(install.getOwner()) ? install.getOwner()
					: environment.getProperty("spring.application.name");
			String version = StringUtils.hasText(install.getVersion()) ? install.getVersion()
					: environment.getProperty("spring.application.version");
			return new InstallOwner(StringUtils.hasText(owner) ? owner.strip() : InstallOwner.DEFAULT_NAME,
					StringUtils.hasText(version) ? version.strip() : null, install.isAllowDowngrade());
		}

		/**
		 * Return the installer's settings, which name themselves in problems by their
		 * properties.
		 * @throws InvalidConfigurationPropertyValueException for a value that no database
		 * could accept
		 */
		private static InstallSettings installSettings(PigeonDatabase database, PigeonProperties.Install install) {
			Duration lockTimeout = install.getLockTimeout();
			if (lockTimeout.isNegative()) {
				throw new InvalidConfigurationPropertyValueException(property(InstallSetting.LOCK_TIMEOUT), lockTimeout,
						"the lock timeout is negative. Set a positive duration, or 0 to wait indefinitely.");
			}
			return new InstallSettings(database.schema(), install.getHistoryTable(), lockTimeout,
					InstallerConfiguration::property);
		}

		/**
		 * Return the property that configures an installer setting.
		 * @param setting the setting
		 * @return its property path, e.g. {@code pigeon.install.schema}
		 */
		static String property(InstallSetting setting) {
			return "pigeon.install." + switch (setting) {
				case MODE -> "mode";
				case SCHEMA -> "schema";
				case HISTORY_TABLE -> "history-table";
				case LOCK_TIMEOUT -> "lock-timeout";
				case EXPORT_LOCATION -> "export-location";
				case USERNAME -> "username";
				case OWNER -> "owner";
				case VERSION -> "version";
				case ALLOW_DOWNGRADE -> "allow-downgrade";
			};
		}

		@Bean
		@ConditionalOnMissingBean
		PigeonInstallRunner pigeonInstallRunner(TriggerInstaller installer, PigeonProperties properties,
				ResourceLoader resourceLoader) {
			PigeonProperties.Install install = properties.getInstall();
			return new PostgresqlInstallRunner(installer, install.getMode(),
					exportDirectory(install.getExportLocation(), resourceLoader));
		}

		/**
		 * Like {@code spring.flyway.url} and {@code spring.flyway.user}: a URL gives the DDL
		 * connections of its own to that database, with the installer's credentials; separate
		 * credentials alone give it connections of its own to Pigeon's database, outside the
		 * application's pool.
		 */
		private static DataSource installDataSource(DataSource dataSource, PigeonProperties.Install install) {
			if (install.getUrl() == null && install.getUsername() == null && install.getPassword() == null) {
				return dataSource;
			}
			DataSourceBuilder<SimpleDriverDataSource> builder = ((install.getUrl() != null)
					? DataSourceBuilder.create().url(install.getUrl()) : DataSourceBuilder.derivedFrom(dataSource))
				.type(SimpleDriverDataSource.class);
			if (install.getUsername() != null) {
				builder.username(install.getUsername());
			}
			if (install.getPassword() != null) {
				builder.password(install.getPassword());
			}
			return builder.build();
		}

		private static @Nullable Path exportDirectory(@Nullable String location, ResourceLoader resourceLoader) {
			if (!StringUtils.hasText(location)) {
				return null;
			}
			try {
				return resourceLoader.getResource(location).getFilePath();
			}
			catch (IOException | UnsupportedOperationException ex) {
				throw new PigeonInstallException("Pigeon could not export its scripts",
						List.of(new InstallProblem(property(InstallSetting.EXPORT_LOCATION),
								"'" + location + "' is not a location in the file system",
								"Use a file: location, for example 'file:pigeon/scripts'.")),
						ex);
			}
		}

	}

}
