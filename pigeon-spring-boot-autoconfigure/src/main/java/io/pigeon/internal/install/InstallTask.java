package io.pigeon.internal.install;

/**
 * What the installer was asked to do, named in the summary of a failure so that it says what
 * failed.
 */
enum InstallTask {

	INSTALL("install its triggers"), VALIDATE("validate its triggers"), EXPORT("export its scripts");

	private final String description;

	InstallTask(String description) {
		this.description = description;
	}

	/**
	 * Return the summary of a failure of this task.
	 * @return e.g. "Pigeon could not validate its triggers"
	 */
	String failure() {
		return "Pigeon could not " + this.description;
	}

}
