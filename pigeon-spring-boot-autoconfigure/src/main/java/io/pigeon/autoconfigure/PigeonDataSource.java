package io.pigeon.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Qualifier annotation for the {@link javax.sql.DataSource} Pigeon uses, when the
 * application has several: its installer, its listener's connection, {@code PigeonTemplate}
 * and the overflow store then all use that one, like {@code @FlywayDataSource} does for
 * Flyway. Annotate the DataSource's {@code @Bean} method; to keep it from also becoming the
 * application's DataSource, declare it with {@code @Bean(defaultCandidate = false)}.
 *
 * @since 0.1.0
 */
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE,
		ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Qualifier
public @interface PigeonDataSource {

}
