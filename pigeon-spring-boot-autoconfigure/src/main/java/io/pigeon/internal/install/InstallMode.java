package io.pigeon.internal.install;

/**
 * What Pigeon's installer does at start-up.
 *
 * @since 0.1.0
 */
public enum InstallMode {

	/**
	 * Install, update and remove triggers so that the database matches the configuration.
	 */
	AUTO,

	/**
	 * Change nothing; fail start-up if the database differs from the configuration.
	 */
	VALIDATE,

	/**
	 * Do nothing.
	 */
	NONE

}
