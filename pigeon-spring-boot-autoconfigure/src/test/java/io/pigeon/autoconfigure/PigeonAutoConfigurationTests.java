package io.pigeon.autoconfigure;

import java.time.Duration;
import java.util.Arrays;

import javax.sql.DataSource;

import io.pigeon.internal.install.InstallProblem;
import io.pigeon.internal.install.InstallSetting;
import io.pigeon.internal.install.PigeonInstallException;
import io.pigeon.internal.install.PigeonInstallRunner;
import io.pigeon.internal.install.TriggerInstaller;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * Tests for {@link PigeonAutoConfiguration}'s conditions.
 */
class PigeonAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PigeonAutoConfiguration.class));

	@Test
	void isRegisteredAsAnAutoConfiguration() {
		assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()))
			.contains(PigeonAutoConfiguration.class.getName());
	}

	@Test
	void registersItsFailureAnalyzer() {
		// Boot's own analyzers need arguments this test does not give: only whether ours loads counts.
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, null, FailureHandler.handleMessage((message, failure) -> {
			}))).hasAtLeastOneElementOfType(PigeonInstallFailureAnalyzer.class);
	}

	@Test
	void withoutDataSourceBindsPropertiesButInstallsNothing() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(PigeonProperties.class)
			.doesNotHaveBean(TriggerInstaller.class)
			.doesNotHaveBean(PigeonInstallRunner.class));
	}

	@Test
	void withOneDataSourceInstallsWithIt() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(TriggerInstaller.class).hasSingleBean(PigeonInstallRunner.class);
			assertThat(context.getBean(TriggerInstaller.class).getDataSource())
				.isSameAs(context.getBean(DataSource.class));
		});
	}

	@Test
	void masterSwitchOffConfiguresNothing() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class)
			.withPropertyValues("pigeon.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PigeonProperties.class)
				.doesNotHaveBean(TriggerInstaller.class)
				.doesNotHaveBean(PigeonInstallRunner.class));
	}

	@Test
	void withTwoDataSourcesInstallsWithThePrimary() {
		this.contextRunner
			.withUserConfiguration(TwoDataSourcesConfiguration.class, PrimaryDataSourceConfiguration.class)
			.run((context) -> assertThat(context.getBean(TriggerInstaller.class).getDataSource())
				.isSameAs(context.getBean("primary")));
	}

	@Test
	void separateCredentialsGiveTheInstallerItsOwnConnectionsToTheSameDatabase() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class)
			.withPropertyValues("pigeon.install.username=ddl", "pigeon.install.password=secret")
			.run((context) -> {
				DataSource installing = context.getBean(TriggerInstaller.class).getDataSource();
				assertThat(installing).isNotSameAs(context.getBean(DataSource.class))
					.isInstanceOfSatisfying(SimpleDriverDataSource.class, (dataSource) -> {
						assertThat(dataSource.getUrl()).isEqualTo(DataSourceConfiguration.URL);
						assertThat(dataSource.getUsername()).isEqualTo("ddl");
						assertThat(dataSource.getPassword()).isEqualTo("secret");
					});
			});
	}

	@Test
	void userDefinedInstallerAndRunnerReplaceTheirDefaults() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class, CustomInstallerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(TriggerInstaller.class).hasSingleBean(PigeonInstallRunner.class);
				assertThat(context.getBean(TriggerInstaller.class))
					.isSameAs(context.getBean(CustomInstallerConfiguration.class).installer);
				assertThat(context.getBean(PigeonInstallRunner.class))
					.isSameAs(context.getBean(CustomInstallerConfiguration.class).runner);
			});
	}

	@Test
	void modeNoneWithoutExportLocationDoesNotEvenConnect() {
		DataSource dataSource = mock(DataSource.class);
		this.contextRunner.withBean(DataSource.class, () -> dataSource)
			.withPropertyValues("pigeon.install.mode=none", "pigeon.schemas[0].name=public",
					"pigeon.schemas[0].tables[0].name=items")
			.run((context) -> {
				context.getBean(PigeonInstallRunner.class).run(new DefaultApplicationArguments());
				verifyNoInteractions(dataSource);
			});
	}

	@Test
	void exportLocationOutsideTheFileSystemFailsNamingTheProperty() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class)
			.withPropertyValues("pigeon.install.export-location=classpath:no/such/directory")
			.run((context) -> {
				Throwable failure = context.getStartupFailure();
				while (failure != null && !(failure instanceof PigeonInstallException)) {
					failure = failure.getCause();
				}
				assertThat(failure).isInstanceOfSatisfying(PigeonInstallException.class,
						(ex) -> assertThat(ex.getProblems()).extracting(InstallProblem::path)
							.containsExactly("pigeon.install.export-location"));
			});
	}

	@Test
	void negativeLockTimeoutFailsStartUpNamingThePropertyBeforeConnecting() {
		DataSource dataSource = mock(DataSource.class);
		this.contextRunner.withBean(DataSource.class, () -> dataSource)
			.withPropertyValues("pigeon.install.lock-timeout=-1s")
			.run((context) -> {
				Throwable failure = context.getStartupFailure();
				while (failure != null && !(failure instanceof InvalidConfigurationPropertyValueException)) {
					failure = failure.getCause();
				}
				assertThat(failure).isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo("pigeon.install.lock-timeout");
					assertThat(ex.getValue()).isEqualTo(Duration.ofSeconds(-1));
					assertThat(ex.getReason()).startsWith("the lock timeout is negative")
						.contains("0 to wait indefinitely");
				});
				verifyNoInteractions(dataSource);
			});
	}

	@Test
	void installerSettingsAreNamedByTheirProperties() {
		assertThat(Arrays.stream(InstallSetting.values()).map(PigeonAutoConfiguration.InstallerConfiguration::property))
			.containsExactly("pigeon.install.mode", "pigeon.install.schema", "pigeon.install.history-table",
					"pigeon.install.lock-timeout", "pigeon.install.export-location", "pigeon.install.username",
					"pigeon.install.owner", "pigeon.install.version", "pigeon.install.allow-downgrade");
	}

	@Configuration(proxyBeanMethods = false)
	static class DataSourceConfiguration {

		static final String URL = "jdbc:postgresql://localhost:5432/app";

		@Bean
		DataSource dataSource() {
			return new SimpleDriverDataSource(new Driver(), URL, "app", "app");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoDataSourcesConfiguration {

		@Bean
		DataSource one() {
			return mock(DataSource.class);
		}

		@Bean
		DataSource two() {
			return mock(DataSource.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrimaryDataSourceConfiguration {

		@Bean
		@Primary
		DataSource primary() {
			return mock(DataSource.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomInstallerConfiguration {

		final TriggerInstaller installer = mock(TriggerInstaller.class);

		final PigeonInstallRunner runner = mock(PigeonInstallRunner.class);

		@Bean
		TriggerInstaller customInstaller() {
			return this.installer;
		}

		@Bean
		PigeonInstallRunner customRunner() {
			return this.runner;
		}

	}

}
