package io.pigeon.sample;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.pigeon.test.PigeonTestDatabase;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.test.context.DynamicPropertyRegistrar;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Runs the sample application under test against the test database (see
 * {@link PigeonTestDatabase}) in a schema of its own, and drops that schema when the application
 * context closes. Test classes, reruns and the library's own tests share that database, and the
 * sample's channels are the same in each schema: tests tell their changes apart by schema and by
 * unique values.
 * <p>
 * Import it into a test's application context with {@code @Import(SampleTestSchema.class)}.
 */
class SampleTestSchema implements DynamicPropertyRegistrar, DisposableBean {

	private final PigeonTestDatabase database = PigeonTestDatabase.get();

	private final String name = PigeonTestDatabase.uniqueName("pigeon_sample");

	@Override
	public void accept(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", this.database::getJdbcUrl);
		registry.add("spring.datasource.username", this.database::getUsername);
		registry.add("spring.datasource.password", this.database::getPassword);
		registry.add("pigeon.sample.schema", this::getName);
	}

	/**
	 * Return the schema's name.
	 * @return the name of the schema that holds the sample's table
	 */
	String getName() {
		return this.name;
	}

	@Override
	public void destroy() throws SQLException {
		// The application's listener has stopped: nothing uses the schema any more.
		try (Connection connection = this.database.connect(); Statement statement = connection.createStatement()) {
			statement.execute("DROP SCHEMA IF EXISTS \"" + this.name + "\" CASCADE");
		}
	}

}
