package io.pigeon.autoconfigure;

import java.util.List;

import javax.sql.DataSource;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Resolves {@link PigeonDatabase} once, for the auto-configurations that import it.
 */
@Configuration(proxyBeanMethods = false)
class PigeonDatabaseConfiguration {

	@Bean
	PigeonDatabase pigeonDatabase(PigeonProperties properties,
			@PigeonDataSource ObjectProvider<DataSource> pigeonDataSource, ObjectProvider<DataSource> dataSources,
			ListableBeanFactory beanFactory) {
		return PigeonDatabase.resolve(properties, pigeonDataSource.getIfAvailable(), dataSources.getIfUnique(),
				List.of(beanFactory.getBeanNamesForType(DataSource.class)));
	}

}
