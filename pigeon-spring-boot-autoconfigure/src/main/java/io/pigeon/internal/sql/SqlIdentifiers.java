package io.pigeon.internal.sql;

/**
 * Quoting of identifiers and string literals for the SQL Pigeon generates, so that every name
 * from the configuration is taken literally and never read as SQL.
 *
 * @since 0.1.0
 */
public final class SqlIdentifiers {

	private SqlIdentifiers() {
	}

	/**
	 * Quote an identifier: {@code Order Items} becomes {@code "Order Items"} and {@code it"ems}
	 * becomes {@code "it""ems"}. The name is used exactly as given, case included; PostgreSQL
	 * does not fold quoted identifiers to lower case.
	 * @param identifier the name
	 * @return the quoted identifier
	 * @throws IllegalArgumentException if the name is empty or contains a NUL character, which
	 * PostgreSQL cannot store
	 */
	public static String quote(String identifier) {
		if (identifier.isEmpty()) {
			throw new IllegalArgumentException("An SQL identifier must not be empty");
		}
		rejectNul(identifier, "An SQL identifier");
		return '"' + identifier.replace("\"", "\"\"") + '"';
	}

	/**
	 * Quote a string literal in standard SQL form: {@code it's} becomes {@code 'it''s'}.
	 * Backslashes are kept as they are, which is their meaning when
	 * {@code standard_conforming_strings} is {@code on} (PostgreSQL's default since 9.1).
	 * @param value the value
	 * @return the quoted literal
	 * @throws IllegalArgumentException if the value contains a NUL character, which PostgreSQL
	 * text cannot hold
	 */
	public static String literal(String value) {
		rejectNul(value, "An SQL string literal");
		return '\'' + value.replace("'", "''") + '\'';
	}

	private static void rejectNul(String value, String what) {
		if (value.indexOf('\0') >= 0) {
			throw new IllegalArgumentException(what + " must not contain a NUL character: '"
					+ value.replace("\0", "\\0") + "'");
		}
	}

}
