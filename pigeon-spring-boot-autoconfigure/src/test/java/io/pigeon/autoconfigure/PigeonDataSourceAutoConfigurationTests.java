package io.pigeon.autoconfigure;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.function.Function;

import javax.sql.DataSource;

import io.pigeon.internal.install.PigeonInstallRunner;
import io.pigeon.internal.install.TriggerInstaller;
import io.pigeon.internal.listener.notify.ListenerConnectionFactory;
import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests for how the auto-configurations choose Pigeon's DataSource when the application has
 * several, and for the failures when they cannot. No test here connects to PostgreSQL: the
 * DataSources point at a port where nothing answers, and the one that is connected to is not
 * PostgreSQL.
 */
class PigeonDataSourceAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PigeonAutoConfiguration.class,
				PigeonListenerAutoConfiguration.class));

	@Test
	void registersItsFailureAnalyzer() {
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, null, FailureHandler.handleMessage((message, failure) -> {
			}))).hasAtLeastOneElementOfType(PigeonDataSourceFailureAnalyzer.class);
	}

	@Test
	void withOneDataSourcePigeonUsesItForEverything() {
		this.contextRunner.withUserConfiguration(OneDataSourceConfiguration.class).run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			assertUses(context, dataSource, OneDataSourceConfiguration.URL);
		});
	}

	@Test
	void withTwoDataSourcesPigeonUsesThePrimary() {
		this.contextRunner.withUserConfiguration(TwoDataSourcesConfiguration.class, PrimaryConfiguration.class)
			.run((context) -> assertUses(context, context.getBean("primary", DataSource.class),
					PrimaryConfiguration.URL));
	}

	@Test
	void theDataSourceAnnotatedPigeonDataSourceWinsOverThePrimary() {
		this.contextRunner
			.withUserConfiguration(TwoDataSourcesConfiguration.class, PrimaryConfiguration.class,
					PigeonDataSourceConfiguration.class)
			.run((context) -> {
				assertUses(context, context.getBean("pigeon", DataSource.class), PigeonDataSourceConfiguration.URL);
				assertThat(context.getBean(ListenerConnectionFactory.class).getDisplayUrl())
					.isNotEqualTo(PrimaryConfiguration.URL);
			});
	}

	@Test
	void aPigeonDataSourceThatIsNoDefaultCandidateLeavesTheApplicationItsAutoConfiguredOne() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/app")
			.withUserConfiguration(NoDefaultCandidateConfiguration.class)
			.run((context) -> {
				assertThat(context.getBean(DataSource.class)).isInstanceOf(HikariDataSource.class);
				assertUses(context, context.getBean("pigeon", DataSource.class), PigeonDataSourceConfiguration.URL);
			});
	}

	@Test
	void withTwoDataSourcesAndNoneChosenStartUpFailsSayingHowToChoose() {
		this.contextRunner.withUserConfiguration(TwoDataSourcesConfiguration.class).run((context) -> {
			FailureAnalysis analysis = new PigeonDataSourceFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).isEqualTo("Pigeon found 2 DataSource beans (one, two), none of "
					+ "them @Primary or annotated @PigeonDataSource, and cannot tell which database to install its "
					+ "triggers into and listen on.");
			assertThat(analysis.getAction()).contains("@Primary", "@io.pigeon.autoconfigure.PigeonDataSource",
					"pigeon.install.url and pigeon.listener.url", "pigeon.enabled=false");
		});
	}

	@Test
	void onlyOneOfTheUrlsIsNotAChoiceAmongSeveralDataSources() {
		this.contextRunner.withUserConfiguration(TwoDataSourcesConfiguration.class)
			.withPropertyValues("pigeon.install.url=jdbc:postgresql://localhost:1/install")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(PigeonDataSourceException.class));
	}

	@Test
	void withTwoDataSourcesTheInstallAndListenerUrlsGivePigeonConnectionsOfItsOwn() {
		this.contextRunner.withUserConfiguration(TwoDataSourcesConfiguration.class)
			.withPropertyValues("pigeon.install.url=jdbc:postgresql://localhost:1/install",
					"pigeon.install.username=ddl", "pigeon.listener.url=jdbc:postgresql://localhost:1/listen",
					"pigeon.listener.username=app")
			.run((context) -> {
				assertThat(context.getBean(TriggerInstaller.class).getDataSource())
					.isInstanceOfSatisfying(SimpleDriverDataSource.class, (dataSource) -> {
						assertThat(dataSource.getUrl()).isEqualTo("jdbc:postgresql://localhost:1/install");
						assertThat(dataSource.getUsername()).isEqualTo("ddl");
					});
				assertThat(context.getBean(PigeonDatabase.class).dataSource())
					.isInstanceOfSatisfying(SimpleDriverDataSource.class, (dataSource) -> {
						assertThat(dataSource.getUrl()).isEqualTo("jdbc:postgresql://localhost:1/listen");
						assertThat(dataSource.getUsername()).isEqualTo("app");
					});
				assertThat(context.getBean(ListenerConnectionFactory.class).getDisplayUrl())
					.isEqualTo("jdbc:postgresql://localhost:1/listen");
			});
	}

	@Test
	void installUrlPointsOnlyTheInstallerElsewhere() {
		this.contextRunner.withUserConfiguration(OneDataSourceConfiguration.class)
			.withPropertyValues("pigeon.install.url=jdbc:postgresql://localhost:1/install",
					"pigeon.install.username=ddl", "pigeon.install.password=secret")
			.run((context) -> {
				assertThat(context.getBean(TriggerInstaller.class).getDataSource())
					.isInstanceOfSatisfying(SimpleDriverDataSource.class, (dataSource) -> {
						assertThat(dataSource.getUrl()).isEqualTo("jdbc:postgresql://localhost:1/install");
						assertThat(dataSource.getUsername()).isEqualTo("ddl");
						assertThat(dataSource.getPassword()).isEqualTo("secret");
					});
				assertThat(context.getBean(PigeonDatabase.class).dataSource())
					.isSameAs(context.getBean(DataSource.class));
				assertThat(context.getBean(ListenerConnectionFactory.class).getDisplayUrl())
					.isEqualTo(OneDataSourceConfiguration.URL);
			});
	}

	@Test
	void masterSwitchOffWithTwoDataSourcesConfiguresNothingAndDoesNotFail() {
		this.contextRunner.withUserConfiguration(TwoDataSourcesConfiguration.class)
			.withPropertyValues("pigeon.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(PigeonDatabase.class)
				.doesNotHaveBean(TriggerInstaller.class)
				.doesNotHaveBean(ListenerConnectionFactory.class));
	}

	@Test
	void withoutDataSourceNothingIsConfiguredAndNothingFails() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(PigeonProperties.class)
			.doesNotHaveBean(PigeonDatabase.class)
			.doesNotHaveBean(TriggerInstaller.class)
			.doesNotHaveBean(ListenerConnectionFactory.class));
	}

	@Test
	void anotherDatabaseFailsStartUpBeforeTheInstallerRuns() {
		this.contextRunner.withBean(DataSource.class, OtherDatabase::dataSource)
			.withPropertyValues("pigeon.listener.enabled=false")
			.run((context) -> {
				PigeonInstallRunner runner = context.getBean(PigeonInstallRunner.class);
				PigeonDataSourceException failure = catchThrowableOfType(PigeonDataSourceException.class,
						() -> runner.run(new DefaultApplicationArguments()));
				FailureAnalysis analysis = new PigeonDataSourceFailureAnalyzer().analyze(failure);
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).isEqualTo("Pigeon's installer connects to H2 2.3.232, "
						+ "not to PostgreSQL: Pigeon's triggers and LISTEN/NOTIFY exist only in PostgreSQL.");
				assertThat(analysis.getAction()).contains("@io.pigeon.autoconfigure.PigeonDataSource",
						"pigeon.install.url", "pigeon.listener.url");
			});
	}

	@Test
	void anotherDatabaseIsNotConnectedToWhenTheInstallerDoesNothing() {
		this.contextRunner.withBean(DataSource.class, OtherDatabase::dataSource)
			.withPropertyValues("pigeon.install.mode=none", "pigeon.listener.enabled=false")
			.run((context) -> context.getBean(PigeonInstallRunner.class).run(new DefaultApplicationArguments()));
	}

	@Test
	void aListenerUrlThatCannotBeDerivedFailsTheListenerSayingToSetIt() {
		this.contextRunner.withBean(DataSource.class, OtherDatabase::dataSource)
			.withPropertyValues("pigeon.install.mode=none")
			.run((context) -> {
				ListenerConnectionFactory factory = context.getBean(ListenerConnectionFactory.class);
				assertThat(factory.getDisplayUrl()).isNull();
				assertThatExceptionOfType(SQLException.class).isThrownBy(() -> factory.open())
					.withMessageContaining("has no JDBC URL")
					.withMessageContaining("Set pigeon.listener.url");
			});
	}

	@Test
	void aListenerUrlOfAnotherDatabaseFailsTheListenerSayingToSetOne() {
		this.contextRunner.withBean(DataSource.class, () -> new SimpleDriverDataSource(new Driver(), "jdbc:h2:mem:x"))
			.withPropertyValues("pigeon.install.mode=none")
			.run((context) -> {
				ListenerConnectionFactory factory = context.getBean(ListenerConnectionFactory.class);
				assertThatExceptionOfType(SQLException.class).isThrownBy(() -> factory.open())
					.withMessageContaining("needs a PostgreSQL JDBC URL")
					.withMessageContaining("not 'jdbc:h2:mem:x'");
			});
	}

	private static void assertUses(AssertableApplicationContext context, DataSource dataSource, String url) {
		assertThat(context).hasNotFailed();
		assertThat(context.getBean(PigeonDatabase.class).dataSource()).isSameAs(dataSource);
		assertThat(context.getBean(PigeonDatabase.class).jdbcTemplate().getDataSource()).isSameAs(dataSource);
		assertThat(context.getBean(TriggerInstaller.class).getDataSource()).isSameAs(dataSource);
		assertThat(context.getBean(ListenerConnectionFactory.class).getDisplayUrl()).isEqualTo(url);
	}

	private static DataSource postgresql(String url) {
		return new SimpleDriverDataSource(new Driver(), url, "app", "app");
	}

	@Configuration(proxyBeanMethods = false)
	static class OneDataSourceConfiguration {

		static final String URL = "jdbc:postgresql://localhost:1/one";

		@Bean
		DataSource dataSource() {
			return postgresql(URL);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoDataSourcesConfiguration {

		@Bean
		DataSource one() {
			return postgresql("jdbc:postgresql://localhost:1/one");
		}

		@Bean
		DataSource two() {
			return postgresql("jdbc:postgresql://localhost:1/two");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrimaryConfiguration {

		static final String URL = "jdbc:postgresql://localhost:1/primary";

		@Bean
		@Primary
		DataSource primary() {
			return postgresql(URL);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PigeonDataSourceConfiguration {

		static final String URL = "jdbc:postgresql://localhost:1/pigeon";

		@Bean
		@PigeonDataSource
		DataSource pigeon() {
			return postgresql(URL);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NoDefaultCandidateConfiguration {

		@Bean(defaultCandidate = false)
		@PigeonDataSource
		DataSource pigeon() {
			return postgresql(PigeonDataSourceConfiguration.URL);
		}

	}

	/**
	 * A database that is not PostgreSQL, as its JDBC driver reports it: its DataSource, a JDK
	 * proxy of which Spring Boot cannot read a URL, hands out connections that answer only
	 * what a database product is asked at first and fail anything else, so that a statement
	 * that slipped past the check would fail the test.
	 */
	static final class OtherDatabase {

		static DataSource dataSource() {
			return proxy(DataSource.class, (method) -> switch (method) {
				case "getConnection" -> proxy(Connection.class, OtherDatabase::connection);
				case "isWrapperFor" -> false;
				default -> throw new UnsupportedOperationException(method);
			});
		}

		private static @Nullable Object connection(String method) {
			return switch (method) {
				case "getMetaData" -> proxy(DatabaseMetaData.class, (name) -> switch (name) {
					case "getDatabaseProductName" -> "H2";
					case "getDatabaseProductVersion" -> "2.3.232";
					default -> throw new UnsupportedOperationException(name);
				});
				case "close" -> null;
				default -> throw new UnsupportedOperationException(method);
			};
		}

		private static <T> T proxy(Class<T> type, Function<String, @Nullable Object> answers) {
			return type.cast(Proxy.newProxyInstance(OtherDatabase.class.getClassLoader(), new Class<?>[] { type },
					(proxy, method, args) -> switch (method.getName()) {
						case "equals" -> proxy == args[0];
						case "hashCode" -> System.identityHashCode(proxy);
						case "toString" -> "OtherDatabase " + type.getSimpleName();
						default -> answers.apply(method.getName());
					}));
		}

	}

}
