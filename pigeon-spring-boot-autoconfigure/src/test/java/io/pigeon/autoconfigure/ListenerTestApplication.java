package io.pigeon.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pigeon.test.PigeonTestDatabase;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts a Spring Boot application against the test database with Pigeon's listener and the
 * auto-configurations it works with, for integration tests, with a {@link Recorder} and the
 * {@link ReconnectEvents} it receives.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
		TransactionAutoConfiguration.class, JacksonAutoConfiguration.class, PigeonAutoConfiguration.class,
		PigeonListenerAutoConfiguration.class, PigeonListenerHealthAutoConfiguration.class,
		PigeonListenerMetricsAutoConfiguration.class })
class ListenerTestApplication {

	@Bean
	SimpleMeterRegistry simpleMeterRegistry() {
		return new SimpleMeterRegistry();
	}

	@Bean
	Recorder recorder() {
		return new Recorder();
	}

	@Bean
	ReconnectEvents reconnectEvents() {
		return new ReconnectEvents();
	}

	/**
	 * Start an application.
	 * @param configuration the test's configuration, importing this class
	 * @param properties extra properties as {@code key=value}
	 * @return the running application's context
	 */
	static ConfigurableApplicationContext run(Class<?> configuration, String... properties) {
		return builder(configuration, properties).run();
	}

	static SpringApplicationBuilder builder(Class<?> configuration, String... properties) {
		PigeonTestDatabase database = PigeonTestDatabase.get();
		List<String> all = new ArrayList<>(List.of("spring.datasource.url=" + database.getJdbcUrl(),
				"spring.datasource.username=" + database.getUsername(),
				"spring.datasource.password=" + database.getPassword(), "spring.datasource.hikari.maximum-pool-size=4",
				"pigeon.install.mode=none"));
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(configuration).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.registerShutdownHook(false)
			.properties(all.toArray(String[]::new));
	}

}
