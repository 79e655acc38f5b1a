package io.pigeon.sample;

import java.io.File;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.springframework.aot.AotDetector;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Chooses the sample's database: the PostgreSQL of {@code compose.yaml} when Spring Boot's Docker
 * Compose support can start it, otherwise {@code jdbc:postgresql://localhost:5432/postgres}, and
 * always the one named by {@code spring.datasource.url} when that is set.
 * <p>
 * Left alone, Spring Boot's support would not do this: with {@code spring-boot-docker-compose} on
 * the class path it fails start-up when Docker is missing or not running, and the connection
 * details of a container it started take precedence over {@code spring.datasource.url}. So, unless
 * {@code spring.docker.compose.enabled} is set explicitly, this turns the support off where a
 * database is named or Docker does not answer, and then supplies the local default. Everything it
 * sets has the lowest precedence. Where Spring Boot skips the support itself (the executable jar,
 * which leaves the module out, AOT processing and AOT mode, tests) only the default URL matters.
 */
class DockerComposeActivation implements EnvironmentPostProcessor {

	static final String LOCAL_URL = "jdbc:postgresql://localhost:5432/postgres";

	private static final String URL = "spring.datasource.url";

	private static final String ENABLED = "spring.docker.compose.enabled";

	private static final String COMPOSE_FILE = "spring.docker.compose.file";

	private static final String COMPOSE_SUPPORT = "org.springframework.boot.docker.compose.lifecycle.DockerComposeProperties";

	private static final String AOT_PROCESSING = "spring.aot.processing";

	private static final long DOCKER_TIMEOUT_SECONDS = 10;

	private final BooleanSupplier dockerRuns;

	public DockerComposeActivation() {
		this(DockerComposeActivation::dockerAnswers);
	}

	DockerComposeActivation(BooleanSupplier dockerRuns) {
		this.dockerRuns = dockerRuns;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		boolean supportPresent = ClassUtils.isPresent(COMPOSE_SUPPORT, application.getClassLoader());
		Map<String, Object> defaults = new LinkedHashMap<>();
		if (!environment.containsProperty(URL)) {
			if (supportPresent && composeStarts(environment)) {
				return;
			}
			defaults.put(URL, LOCAL_URL);
		}
		if (supportPresent) {
			defaults.put(ENABLED, false);
		}
		environment.getPropertySources().addLast(new MapPropertySource("pigeonSampleDatabase", defaults));
	}

	private boolean composeStarts(ConfigurableEnvironment environment) {
		if (!environment.getProperty(ENABLED, Boolean.class, true) || Boolean.getBoolean(AOT_PROCESSING)
				|| AotDetector.useGeneratedArtifacts()) {
			return false;
		}
		boolean composeFile = environment.containsProperty(COMPOSE_FILE) || new File("compose.yaml").isFile();
		return composeFile && this.dockerRuns.getAsBoolean();
	}

	/**
	 * Ask the Docker CLI for the engine's version, as Spring Boot's support does before it starts
	 * anything: it fails when the CLI is missing or the engine does not answer.
	 * @return whether Docker can start containers
	 */
	private static boolean dockerAnswers() {
		try {
			Process process = new ProcessBuilder("docker", "version", "--format", "{{.Server.Version}}")
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!process.waitFor(DOCKER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return false;
			}
			return process.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
