package io.pigeon.internal.install;

import java.nio.file.Path;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;

/**
 * Runs Pigeon's {@link TriggerInstaller} once at start-up, according to the
 * {@link InstallMode}, after exporting the scripts when an export location is configured.
 * It runs before the application's other runners, so they find the triggers in place.
 *
 * @since 0.1.0
 */
public class PigeonInstallRunner implements ApplicationRunner, Ordered {

	private static final Log logger = LogFactory.getLog(PigeonInstallRunner.class);

	private final TriggerInstaller installer;

	private final InstallMode mode;

	private final @Nullable Path exportDirectory;

	/**
	 * Create a new runner.
	 * @param installer the installer to run
	 * @param mode what to do at start-up
	 * @param exportDirectory where to export the scripts in every mode, or {@code null}
	 */
	public PigeonInstallRunner(TriggerInstaller installer, InstallMode mode, @Nullable Path exportDirectory) {
		this.installer = installer;
		this.mode = mode;
		this.exportDirectory = exportDirectory;
	}

	@Override
	public void run(ApplicationArguments args) {
		if (this.exportDirectory != null) {
			int scripts = this.installer.exportScripts(this.exportDirectory).size();
			logger.info("Pigeon: exported " + scripts + " scripts to " + this.exportDirectory);
		}
		switch (this.mode) {
			case AUTO -> logger.info(this.installer.install());
			case VALIDATE -> {
				this.installer.validate();
				logger.info("Pigeon: the database matches the configuration");
			}
			case NONE -> logger.debug("Pigeon: the install mode is none, the triggers are left as they are");
		}
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
