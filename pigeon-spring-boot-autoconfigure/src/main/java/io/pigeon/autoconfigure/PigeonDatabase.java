package io.pigeon.autoconfigure;

import java.util.List;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.util.StringUtils;

/**
 * The database Pigeon works in, resolved once for all of its beans: the DataSource, a
 * {@link JdbcTemplate} on it, and the schema of Pigeon's own tables.
 * <p>
 * Like Flyway's: the DataSource annotated {@link PigeonDataSource @PigeonDataSource} if there
 * is one, else the application's only or primary DataSource, else, when the application has
 * several and both {@code pigeon.install.url} and {@code pigeon.listener.url} are set,
 * connections of Pigeon's own to the listener's URL. Any other choice among several fails
 * start-up instead of leaving the application silently without Pigeon.
 */
final class PigeonDatabase {

	private final DataSource dataSource;

	private final JdbcTemplate jdbcTemplate;

	private final @Nullable String schema;

	// Only then do the application's JdbcConnectionDetails describe Pigeon's DataSource.
	private final boolean applicationDataSource;

	private PigeonDatabase(DataSource dataSource, @Nullable String schema, boolean applicationDataSource) {
		this.dataSource = dataSource;
		this.jdbcTemplate = new JdbcTemplate(dataSource);
		this.schema = schema;
		this.applicationDataSource = applicationDataSource;
	}

	/**
	 * Resolve Pigeon's database.
	 * @param properties Pigeon's properties
	 * @param pigeonDataSource the DataSource annotated {@code @PigeonDataSource}, or
	 * {@code null}
	 * @param applicationDataSource the application's only or primary DataSource, or
	 * {@code null}
	 * @param candidates the names of all DataSource beans, to say which ones are in the way
	 * @return Pigeon's database
	 * @throws PigeonDataSourceException if several DataSources are candidates and none is
	 * chosen
	 */
	static PigeonDatabase resolve(PigeonProperties properties, @Nullable DataSource pigeonDataSource,
			@Nullable DataSource applicationDataSource, List<String> candidates) {
		String pigeonSchema = properties.getInstall().getSchema();
		String schema = StringUtils.hasLength(pigeonSchema) ? pigeonSchema : null;
		if (pigeonDataSource != null) {
			return new PigeonDatabase(pigeonDataSource, schema, false);
		}
		if (applicationDataSource != null) {
			return new PigeonDatabase(applicationDataSource, schema, true);
		}
		PigeonProperties.Listener listener = properties.getListener();
		if (properties.getInstall().getUrl() != null && listener.getUrl() != null) {
			return new PigeonDatabase(DataSourceBuilder.create()
				.type(SimpleDriverDataSource.class)
				.url(listener.getUrl())
				.username(listener.getUsername())
				.password(listener.getPassword())
				.build(), schema, false);
		}
		throw new PigeonDataSourceException("Pigeon found " + candidates.size() + " DataSource beans ("
				+ String.join(", ", candidates) + "), none of them @Primary or annotated @PigeonDataSource, "
				+ "and cannot tell which database to install its triggers into and listen on.",
				"Mark the DataSource Pigeon should use @Primary, annotate it with "
						+ "@io.pigeon.autoconfigure.PigeonDataSource, or give Pigeon connections of its own by "
						+ "setting both pigeon.install.url and pigeon.listener.url (with their username and "
						+ "password). To run without Pigeon, set pigeon.enabled=false.");
	}

	DataSource dataSource() {
		return this.dataSource;
	}

	JdbcTemplate jdbcTemplate() {
		return this.jdbcTemplate;
	}

	/**
	 * Return the schema of Pigeon's own tables.
	 * @return the schema, or {@code null} for the connection's current schema
	 */
	@Nullable String schema() {
		return this.schema;
	}

	/**
	 * Return the URL and credentials that the listener's own connection defaults to: the
	 * application's connection details when Pigeon uses the application's DataSource and they
	 * exist, otherwise those read from Pigeon's DataSource.
	 * @param applicationDetails the application's connection details
	 * @return the details, or {@code null} when they cannot be derived from Pigeon's
	 * DataSource (then the listener fails to start saying to set {@code pigeon.listener.url})
	 */
	@Nullable JdbcConnectionDetails connectionDetails(ObjectProvider<JdbcConnectionDetails> applicationDetails) {
		JdbcConnectionDetails details = this.applicationDataSource ? applicationDetails.getIfAvailable() : null;
		return (details != null) ? details : derivedConnectionDetails();
	}

	private @Nullable JdbcConnectionDetails derivedConnectionDetails() {
		SimpleDriverDataSource derived;
		try {
			derived = DataSourceBuilder.derivedFrom(this.dataSource).type(SimpleDriverDataSource.class).build();
		}
		catch (RuntimeException ex) {
			// A DataSource type Spring Boot cannot read its URL from, a proxy for example.
			return null;
		}
		String url = derived.getUrl();
		return (url != null) ? new DerivedConnectionDetails(url, derived.getUsername(), derived.getPassword())
				: null;
	}

	private record DerivedConnectionDetails(String url, @Nullable String username,
			@Nullable String password) implements JdbcConnectionDetails {

		@Override
		public String getJdbcUrl() {
			return this.url;
		}

		@Override
		public @Nullable String getUsername() {
			return this.username;
		}

		@Override
		public @Nullable String getPassword() {
			return this.password;
		}

	}

}
