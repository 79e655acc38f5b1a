package io.pigeon.autoconfigure;

import java.time.Duration;
import java.util.concurrent.Executor;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pigeon.PigeonListener;
import io.pigeon.PigeonTemplate;
import io.pigeon.internal.install.PigeonInstallRunner;
import io.pigeon.internal.listener.InvalidPigeonListenerException;
import io.pigeon.internal.listener.notify.ListenerConnectionFactory;
import io.pigeon.internal.listener.ListenerMetrics;
import io.pigeon.internal.listener.ListenerStatus;
import io.pigeon.internal.listener.PigeonListenerAnnotationBeanPostProcessor;
import io.pigeon.internal.listener.PigeonListenerEndpointRegistry;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.transaction.PlatformTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the conditions of {@link PigeonListenerAutoConfiguration} and of its health and
 * metrics auto-configurations. No test here opens a listener connection: without a listener
 * method there is none to open, and the one test with a listener points it at a port where
 * nothing answers.
 */
class PigeonListenerAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PigeonAutoConfiguration.class,
				PigeonListenerAutoConfiguration.class, PigeonListenerHealthAutoConfiguration.class,
				PigeonListenerMetricsAutoConfiguration.class))
		.withPropertyValues("pigeon.install.mode=none");

	@Test
	void isRegisteredAsAutoConfigurations() {
		assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())).contains(
				PigeonListenerAutoConfiguration.class.getName(), PigeonListenerHealthAutoConfiguration.class.getName(),
				PigeonListenerMetricsAutoConfiguration.class.getName());
	}

	@Test
	void registersItsFailureAnalyzers() {
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, null, FailureHandler.handleMessage((message, failure) -> {
			}))).hasAtLeastOneElementOfType(ListenerStartupFailureAnalyzer.class)
			.hasAtLeastOneElementOfType(InvalidPigeonListenerFailureAnalyzer.class);
	}

	@Test
	void channelsOfDurableTriggersAndOfPigeonDurableChannelsAreDurable() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class)
			.withPropertyValues("pigeon.schemas[0].name=public", "pigeon.schemas[0].tables[0].name=orders",
					"pigeon.schemas[0].tables[0].triggers[0].delivery=durable",
					"pigeon.schemas[0].tables[1].name=items", "pigeon.schemas[0].tables[2].name=payments",
					"pigeon.schemas[0].tables[2].triggers[0].channel=paid",
					"pigeon.schemas[0].tables[2].triggers[0].delivery=durable", "pigeon.durable.channels=invoices")
			.run((context) -> {
				PigeonListenerEndpointRegistry registry = context.getBean(PigeonListenerEndpointRegistry.class);
				assertThat(registry.isDurable("orders")).isTrue();
				assertThat(registry.isDurable("paid")).isTrue();
				assertThat(registry.isDurable("invoices")).isTrue();
				assertThat(registry.isDurable("items")).isFalse();
				assertThat(registry.isDurable("payments")).isFalse();
				// No transaction manager: durable listeners acknowledge after each page.
				assertThat(registry).extracting("durableContainerFactory.transactions").isNull();
			});
	}

	@Test
	void invalidDurableSettingFailsNamingItsProperty() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class)
			.withPropertyValues("pigeon.durable.channels=orders", "pigeon.durable.retry.max-attempts=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pigeon.durable.retry.max-attempts")
				.hasMessageContaining("at least 1"));
	}

	@Test
	void withoutDurableChannelsEveryChannelIsNotify() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class).run((context) -> {
			PigeonListenerEndpointRegistry registry = context.getBean(PigeonListenerEndpointRegistry.class);
			assertThat(registry.isDurable("orders")).isFalse();
			assertThat(registry).extracting("durableContainerFactory").isNull();
		});
	}

	@Test
	void durableListenersUseTheTransactionManagerOfPigeonsDataSourceAlsoBehindATransactionAwareProxy() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class)
			.withPropertyValues("pigeon.durable.channels=orders")
			.withBean("otherTransactionManager", PlatformTransactionManager.class,
					() -> new DataSourceTransactionManager(new SimpleDriverDataSource()))
			.withBean("transactionManager", PlatformTransactionManager.class,
					() -> new DataSourceTransactionManager(new TransactionAwareDataSourceProxy(
							new DataSourceConfiguration().dataSource())))
			.run((context) -> assertThat(context.getBean(PigeonListenerEndpointRegistry.class))
				.extracting("durableContainerFactory.transactions.transactionManager")
				.isNull());
		this.contextRunner.withUserConfiguration(SharedDataSourceConfiguration.class)
			.withPropertyValues("pigeon.durable.channels=orders")
			.run((context) -> assertThat(context.getBean(PigeonListenerEndpointRegistry.class))
				.extracting("durableContainerFactory.transactions.transactionManager")
				.isSameAs(context.getBean("transactionManager")));
	}

	@Test
	void withoutListenerMethodsConfiguresTheListenerButOpensNoConnection() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(PigeonListenerEndpointRegistry.class)
				.hasSingleBean(PigeonListenerAnnotationBeanPostProcessor.class)
				.hasSingleBean(ListenerConnectionFactory.class)
				.hasSingleBean(PigeonTemplate.class)
				.hasSingleBean(PigeonHealthIndicator.class);
			PigeonListenerEndpointRegistry registry = context.getBean(PigeonListenerEndpointRegistry.class);
			assertThat(registry.isRunning()).isTrue();
			assertThat(registry.getStatus().getState()).isEqualTo(ListenerStatus.State.IDLE);
			// Only the daemon threads every application with Pigeon runs: overflow clean-up, durable maintenance.
			assertThat(PigeonThreads.alive()).containsOnly("pigeon-overflow-cleanup", "pigeon-durable-maintenance");
		});
	}

	@Test
	void connectionDefaultsToTheApplicationsDataSourceSettings() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example.com/app?ssl=true")
			.run((context) -> assertThat(context.getBean(ListenerConnectionFactory.class).getDisplayUrl())
				.isEqualTo("jdbc:postgresql://db.example.com/app"));
	}

	@Test
	void listenerUrlReplacesTheDataSourceUrl() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://pgbouncer.example.com:6432/app",
					"pigeon.listener.url=jdbc:postgresql://db.example.com:5432/app")
			.run((context) -> assertThat(context.getBean(ListenerConnectionFactory.class).getDisplayUrl())
				.isEqualTo("jdbc:postgresql://db.example.com:5432/app"));
	}

	@Test
	void listenerDisabledKeepsTheInstallerAndTheTemplate() {
		this.contextRunner
			.withUserConfiguration(DataSourceConfiguration.class, ValidListenerConfiguration.class,
					MeterRegistryConfiguration.class)
			.withPropertyValues("pigeon.listener.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(PigeonInstallRunner.class)
				.hasSingleBean(PigeonTemplate.class)
				.doesNotHaveBean(PigeonListenerEndpointRegistry.class)
				.doesNotHaveBean(PigeonListenerAnnotationBeanPostProcessor.class)
				// still reports durable delivery's subscriptions, which do not need the listener
				.hasSingleBean(PigeonHealthIndicator.class)
				.doesNotHaveBean(ListenerMetrics.class));
	}

	@Test
	void masterSwitchOffConfiguresNothing() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class)
			.withPropertyValues("pigeon.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PigeonTemplate.class)
				.doesNotHaveBean(PigeonListenerEndpointRegistry.class));
	}

	@Test
	void withoutDataSourceConfiguresNothing() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(PigeonTemplate.class)
			.doesNotHaveBean(PigeonListenerEndpointRegistry.class));
	}

	@Test
	void withoutHealthSupportContributesNoHealth() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class)
			.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasSingleBean(PigeonListenerEndpointRegistry.class)
				.doesNotHaveBean(PigeonHealthIndicator.class));
	}

	@Test
	void healthContributorCanBeDisabled() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class)
			.withPropertyValues("management.health.pigeon.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PigeonHealthIndicator.class));
	}

	@Test
	void healthContributorIsNamedPigeon() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class)
			.run((context) -> assertThat(context).hasBean("pigeonHealthIndicator"));
	}

	@Test
	void withMeterRegistryRecordsMetrics() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class, MeterRegistryConfiguration.class)
			.run((context) -> assertThat(context).getBean(ListenerMetrics.class)
				.isInstanceOf(MicrometerListenerMetrics.class));
	}

	@Test
	void withoutMeterRegistryRecordsNoMetrics() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(ListenerMetrics.class)
				.hasSingleBean(PigeonListenerEndpointRegistry.class));
	}

	@Test
	void withoutMicrometerRecordsNoMetrics() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class)
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ListenerMetrics.class)
				.hasSingleBean(PigeonListenerEndpointRegistry.class));
	}

	@Test
	void userDefinedTemplateReplacesPigeons() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class, CustomTemplateConfiguration.class)
			.run((context) -> assertThat(context).getBean(PigeonTemplate.class)
				.isSameAs(context.getBean(CustomTemplateConfiguration.class).template));
	}

	@Test
	void userDefinedAnnotationPostProcessorReplacesPigeons() {
		// Two post-processors would register every listener method twice.
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class, CustomPostProcessorConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(PigeonListenerAnnotationBeanPostProcessor.class)
				.hasBean("customPostProcessor"));
	}

	@Test
	void unsupportedParametersFailStartupNamingTheMethod() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class, InvalidListenerConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidPigeonListenerException.class)
				.hasMessageContaining("PigeonListenerAutoConfigurationTests.InvalidListener.onChange(int, long)")
				.hasMessageContaining("(PigeonEvent<T> event), (T data), (List<T> rows), (String payload)"));
	}

	@Test
	void listenerWithoutChannelFailsStartupNamingTheMethod() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class, NoChannelConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidPigeonListenerException.class)
				.hasMessageContaining("NoChannelListener.onChange(String)")
				.hasMessageContaining("names no channel"));
	}

	@Test
	void channelLongerThanPostgresAllowsFailsStartup() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class, PlaceholderListenerConfiguration.class)
			.withPropertyValues("test.channel=" + "c".repeat(64))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidPigeonListenerException.class)
				.hasMessageContaining("longer than PostgreSQL's limit of 63 bytes"));
	}

	@Test
	void listenerMethodHiddenByAJdkProxyFailsStartup() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class, JdkProxyConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.cause()
				.isInstanceOf(InvalidPigeonListenerException.class)
				.hasMessageContaining("ProxiedListener.onChange(String)")
				.hasMessageContaining("cannot be called on bean 'proxiedListener'"));
	}

	@Test
	void registersNoExecutorSoThatSpringBootsOwnStaysInPlace() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class))
			.withUserConfiguration(DataSourceConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(Executor.class).hasBean("applicationTaskExecutor"));
	}

	@Test
	void applicationsExecutorAndSchedulerNamedForPigeonRunTheListener() {
		// Nothing answers on the data source's port: without fail-fast the listener starts and
		// keeps reconnecting, and its channel is dispatched on the application's executor.
		this.contextRunner
			.withUserConfiguration(DataSourceConfiguration.class, ValidListenerConfiguration.class,
					ApplicationExecutorsConfiguration.class)
			.withPropertyValues("pigeon.listener.fail-fast=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				await().atMost(Duration.ofSeconds(30))
					.until(PigeonThreads::alive, (threads) -> threads.contains("pigeon-channel-items"));
				assertThat(context.getBean(ThreadPoolTaskExecutor.class).getActiveCount()).isOne();
				assertThat(PigeonThreads.alive()).doesNotContain("pigeon-listener-tasks");
			});
	}

	@Test
	void invalidQueueCapacityFailsStartupNamingTheProperty() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class)
			.withPropertyValues("pigeon.listener.queue-capacity=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pigeon.listener.queue-capacity"));
	}

	@Test
	void validationTimeoutThatWouldLetReadsWaitForEverFailsStartupNamingTheProperty() {
		this.contextRunner.withUserConfiguration(DataSourceConfiguration.class)
			.withPropertyValues("pigeon.listener.validation-timeout=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pigeon.listener.validation-timeout"));
	}

	@Configuration(proxyBeanMethods = false)
	static class DataSourceConfiguration {

		@Bean
		DataSource dataSource() {
			// Never connected to: nothing here listens or installs.
			return new SimpleDriverDataSource(new Driver(), "jdbc:postgresql://localhost:1/none");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SharedDataSourceConfiguration {

		private final DataSource dataSource = new SimpleDriverDataSource(new Driver(),
				"jdbc:postgresql://localhost:1/none");

		@Bean
		DataSource dataSource() {
			return this.dataSource;
		}

		@Bean
		PlatformTransactionManager transactionManager() {
			return new DataSourceTransactionManager(new TransactionAwareDataSourceProxy(this.dataSource));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ApplicationExecutorsConfiguration {

		@Bean
		ThreadPoolTaskExecutor pigeonListenerTaskExecutor() {
			ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
			executor.setThreadNamePrefix("app-");
			return executor;
		}

		@Bean
		ThreadPoolTaskScheduler pigeonListenerTaskScheduler() {
			ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
			scheduler.setThreadNamePrefix("app-tasks-");
			return scheduler;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MeterRegistryConfiguration {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomTemplateConfiguration {

		final PigeonTemplate template = new PigeonTemplate(new JdbcTemplate(), JsonMapper.shared());

		@Bean
		PigeonTemplate customTemplate() {
			return this.template;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomPostProcessorConfiguration {

		@Bean
		static PigeonListenerAnnotationBeanPostProcessor customPostProcessor() {
			return new PigeonListenerAnnotationBeanPostProcessor();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ValidListenerConfiguration {

		@Bean
		ValidListener validListener() {
			return new ValidListener();
		}

	}

	static class ValidListener {

		@PigeonListener(channel = "items")
		void onChange(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class InvalidListenerConfiguration {

		@Bean
		InvalidListener invalidListener() {
			return new InvalidListener();
		}

	}

	static class InvalidListener {

		@PigeonListener(channel = "items")
		void onChange(int id, long version) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NoChannelConfiguration {

		@Bean
		NoChannelListener noChannelListener() {
			return new NoChannelListener();
		}

	}

	static class NoChannelListener {

		@PigeonListener
		void onChange(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PlaceholderListenerConfiguration {

		@Bean
		PlaceholderListener placeholderListener() {
			return new PlaceholderListener();
		}

	}

	static class PlaceholderListener {

		@PigeonListener(channel = "${test.channel}")
		void onChange(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class JdkProxyConfiguration {

		@Bean
		Runnable proxiedListener() {
			ProxyFactory factory = new ProxyFactory(new ProxiedListener());
			factory.addInterface(Runnable.class);
			return (Runnable) factory.getProxy();
		}

	}

	static class ProxiedListener implements Runnable {

		@Override
		public void run() {
		}

		@PigeonListener(channel = "items")
		public void onChange(String payload) {
		}

	}

}
