package io.pigeon.sample;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.docker.compose.lifecycle.DockerComposeProperties;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DockerComposeActivation}. The tests run in the module's directory, which holds
 * {@code compose.yaml}.
 */
class DockerComposeActivationTests {

	private static final String URL = "spring.datasource.url";

	private static final String ENABLED = "spring.docker.compose.enabled";

	@Test
	void withDockerRunningComposeProvidesTheDatabase() {
		MockEnvironment environment = postProcess(new MockEnvironment(), true);
		assertThat(environment.getProperty(URL)).isNull();
		assertThat(environment.getProperty(ENABLED)).isNull();
	}

	@Test
	void withoutDockerTheLocalDatabaseIsUsedAndComposeIsNotAttempted() {
		MockEnvironment environment = postProcess(new MockEnvironment(), false);
		assertThat(environment.getProperty(URL)).isEqualTo("jdbc:postgresql://localhost:5432/postgres");
		assertThat(environment.getProperty(ENABLED, Boolean.class)).isFalse();
	}

	@Test
	void aNamedDatabaseWinsOverCompose() {
		MockEnvironment environment = postProcess(
				new MockEnvironment().withProperty(URL, "jdbc:postgresql://db.example.com/shop"), true);
		assertThat(environment.getProperty(URL)).isEqualTo("jdbc:postgresql://db.example.com/shop");
		assertThat(environment.getProperty(ENABLED, Boolean.class)).isFalse();
	}

	@Test
	void composeEnabledExplicitlyIsLeftAlone() {
		MockEnvironment environment = postProcess(new MockEnvironment()
			.withProperty(URL, "jdbc:postgresql://db.example.com/shop")
			.withProperty(ENABLED, "true"), true);
		assertThat(environment.getProperty(ENABLED, Boolean.class)).isTrue();
	}

	@Test
	void composeDisabledExplicitlyMeansTheLocalDatabase() {
		MockEnvironment environment = postProcess(new MockEnvironment().withProperty(ENABLED, "false"), true);
		assertThat(environment.getProperty(URL)).isEqualTo("jdbc:postgresql://localhost:5432/postgres");
	}

	@Test
	void withoutTheComposeModuleOnlyTheLocalDefaultIsAdded() {
		SpringApplication application = new SpringApplication();
		application.setResourceLoader(
				new DefaultResourceLoader(new FilteredClassLoader(DockerComposeProperties.class)));
		MockEnvironment environment = new MockEnvironment();
		new DockerComposeActivation(() -> true).postProcessEnvironment(environment, application);
		assertThat(environment.getProperty(URL)).isEqualTo("jdbc:postgresql://localhost:5432/postgres");
		assertThat(environment.getProperty(ENABLED)).isNull();
	}

	private static MockEnvironment postProcess(MockEnvironment environment, boolean dockerRuns) {
		new DockerComposeActivation(() -> dockerRuns).postProcessEnvironment(environment, new SpringApplication());
		return environment;
	}

}
