package io.pigeon.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.pigeon.autoconfigure.PigeonListenerAutoConfigurationTests.DataSourceConfiguration;
import io.pigeon.autoconfigure.PigeonListenerAutoConfigurationTests.MeterRegistryConfiguration;
import io.pigeon.internal.listener.ListenerContainerFactory;
import io.pigeon.internal.listener.ListenerInvocationObserver;
import io.pigeon.internal.listener.MicrometerListenerInvocationObserver;
import io.pigeon.observation.DefaultPigeonListenerObservationConvention;
import io.pigeon.observation.PigeonListenerObservationConvention;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PigeonListenerMetricsAutoConfiguration}: when listener calls are observed,
 * which convention names them, and the gauges it registers.
 */
class PigeonListenerMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PigeonAutoConfiguration.class,
				PigeonListenerAutoConfiguration.class, PigeonListenerMetricsAutoConfiguration.class))
		.withUserConfiguration(DataSourceConfiguration.class);

	@Test
	void withObservationRegistryObservesListenerCalls() {
		this.contextRunner.withUserConfiguration(ObservationRegistryConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(ListenerInvocationObserver.class);
			ListenerInvocationObserver observer = context.getBean(ListenerInvocationObserver.class);
			assertThat(observer).isInstanceOf(MicrometerListenerInvocationObserver.class)
				.extracting("convention")
				.isNull();
			assertThat(context.getBean(ListenerContainerFactory.class)).extracting("observer").isSameAs(observer);
		});
	}

	@Test
	void withoutObservationRegistryObservesNothing() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(ListenerInvocationObserver.class);
			assertThat(context.getBean(ListenerContainerFactory.class)).extracting("observer").isNull();
		});
	}

	@Test
	void observationCanBeSwitchedOff() {
		this.contextRunner.withUserConfiguration(ObservationRegistryConfiguration.class)
			.withPropertyValues("pigeon.listener.observation-enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ListenerInvocationObserver.class);
				assertThat(context.getBean(ListenerContainerFactory.class)).extracting("observer").isNull();
			});
	}

	@Test
	void withoutMicrometerObservationObservesNothing() {
		this.contextRunner.withUserConfiguration(ObservationRegistryConfiguration.class)
			.withClassLoader(new FilteredClassLoader(ObservationRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ListenerInvocationObserver.class));
	}

	@Test
	void withListenerDisabledObservesNothing() {
		this.contextRunner.withUserConfiguration(ObservationRegistryConfiguration.class)
			.withPropertyValues("pigeon.listener.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ListenerInvocationObserver.class));
	}

	@Test
	void applicationConventionIsUsed() {
		this.contextRunner.withUserConfiguration(ObservationRegistryConfiguration.class, ConventionConfiguration.class)
			.run((context) -> assertThat(context.getBean(ListenerInvocationObserver.class)).extracting("convention")
				.isSameAs(context.getBean(PigeonListenerObservationConvention.class)));
	}

	@Test
	void applicationObserverReplacesPigeons() {
		this.contextRunner.withUserConfiguration(ObservationRegistryConfiguration.class, ObserverConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(ListenerInvocationObserver.class).hasBean("customObserver");
				assertThat(context.getBean(ListenerContainerFactory.class)).extracting("observer")
					.isSameAs(context.getBean("customObserver"));
			});
	}

	@Test
	void withMeterRegistryRegistersTheQueueUsageGauge() {
		this.contextRunner.withUserConfiguration(MeterRegistryConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(MicrometerListenerMetrics.class);
			assertThat(context.getBean(MeterRegistry.class).find("pigeon.notification.queue.usage").gauge())
				.isNotNull();
		});
	}

	@Test
	void rejectsANonPositiveQueueUsageSampleInterval() {
		this.contextRunner.withUserConfiguration(MeterRegistryConfiguration.class)
			.withPropertyValues("pigeon.listener.queue-usage-sample-interval=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pigeon.listener.queue-usage-sample-interval")
				.hasMessageContaining("greater than zero"));
	}

	@Configuration(proxyBeanMethods = false)
	static class ObservationRegistryConfiguration {

		@Bean
		TestObservationRegistry observationRegistry() {
			return TestObservationRegistry.create();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ConventionConfiguration {

		@Bean
		PigeonListenerObservationConvention customConvention() {
			return new DefaultPigeonListenerObservationConvention();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ObserverConfiguration {

		@Bean
		ListenerInvocationObserver customObserver() {
			return (channel, listener, notification) -> listener.invoke(notification);
		}

	}

}
