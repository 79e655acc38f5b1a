package io.pigeon.autoconfigure;

/**
 * Thrown at start-up when Pigeon cannot use a database: it cannot tell which of several
 * DataSources to use, or the database is not PostgreSQL.
 */
final class PigeonDataSourceException extends IllegalStateException {

	private final String action;

	/**
	 * Create a new exception.
	 * @param description what is wrong
	 * @param action how to fix it
	 */
	PigeonDataSourceException(String description, String action) {
		super(description);
		this.action = action;
	}

	String getAction() {
		return this.action;
	}

}
