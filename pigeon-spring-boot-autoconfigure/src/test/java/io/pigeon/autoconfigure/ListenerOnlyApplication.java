package io.pigeon.autoconfigure;

import io.pigeon.PigeonListener;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * An application whose only job is to listen, without a web server: run in a JVM of its own by
 * {@link ListenerOnlyApplicationIntegrationTests}. It prints what it receives.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class,
		PigeonAutoConfiguration.class, PigeonListenerAutoConfiguration.class })
public class ListenerOnlyApplication {

	static final String MAIN_RETURNED = "main returned";

	static final String RECEIVED = "received ";

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(ListenerOnlyApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.run(args);
		System.out.println(MAIN_RETURNED);
	}

	@Bean
	Printer printer() {
		return new Printer();
	}

	static class Printer {

		@PigeonListener(channel = "listener_only")
		void print(String payload) {
			System.out.println(RECEIVED + payload);
		}

	}

}
