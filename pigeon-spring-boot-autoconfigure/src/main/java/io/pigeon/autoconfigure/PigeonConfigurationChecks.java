package io.pigeon.autoconfigure;

import io.pigeon.internal.listener.PigeonListenerEndpointRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The checks of Pigeon's configuration that no single component owns, imported by
 * {@link PigeonAutoConfiguration}: unknown keys fail start-up before any bean is created, and
 * probable mistakes are warned about once every listener is registered.
 */
@Configuration(proxyBeanMethods = false)
class PigeonConfigurationChecks {

	// Static and a BeanFactoryPostProcessor: it runs before any bean, the installer included, is created.
	@Bean
	static PigeonPropertyNamesCheck pigeonPropertyNamesCheck() {
		return new PigeonPropertyNamesCheck();
	}

	@Bean
	PigeonConfigurationWarnings pigeonConfigurationWarnings(PigeonProperties properties,
			ObjectProvider<PigeonListenerEndpointRegistry> registry) {
		return new PigeonConfigurationWarnings(properties, registry);
	}

}
