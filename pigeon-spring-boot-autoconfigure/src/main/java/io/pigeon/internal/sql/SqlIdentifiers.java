package io.pigeon.internal.sql;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * Quoting of identifiers and string literals for the SQL Pigeon generates, so that every name
 * from the configuration is taken literally and never read as SQL.
 *
 * @since 0.1.0
 */
public final class SqlIdentifiers {

	/**
	 * PostgreSQL's limit on identifiers ({@code NAMEDATALEN - 1}), in bytes. PostgreSQL silently
	 * truncates longer names, so Pigeon refuses them instead.
	 */
	public static final int MAX_NAME_BYTES = 63;

	private SqlIdentifiers() {
	}

	/**
	 * Return what keeps PostgreSQL from taking a name literally: empty, holding a NUL
	 * character, or longer than {@link #MAX_NAME_BYTES}.
	 * @param name the name
	 * @return the problem, or {@code null} if the name can be used as it is
	 */
	public static @Nullable NameProblem check(String name) {
		if (name.isEmpty()) {
			return NameProblem.EMPTY;
		}
		if (name.indexOf('\0') >= 0) {
			return NameProblem.NUL;
		}
		return fits(name) ? null : NameProblem.TOO_LONG;
	}

	/**
	 * Return whether a name is at most {@link #MAX_NAME_BYTES} long.
	 * @param name the name
	 * @return whether PostgreSQL keeps the whole name
	 */
	public static boolean fits(String name) {
		return bytes(name) <= MAX_NAME_BYTES;
	}

	/**
	 * Return a name's length as PostgreSQL counts it: in bytes (UTF-8, the encoding Pigeon's
	 * connections use).
	 * @param name the name
	 * @return the number of bytes
	 */
	public static int bytes(String name) {
		return name.getBytes(StandardCharsets.UTF_8).length;
	}

	/**
	 * Quote a schema-qualified name: {@code "schema"."name"}.
	 * @param schema the schema
	 * @param name the name in it
	 * @return the quoted, qualified name
	 * @see #quote(String)
	 */
	public static String qualified(String schema, String name) {
		return quote(schema) + "." + quote(name);
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

	/**
	 * Why a name cannot be used as it is, worded for a user who configured it.
	 */
	public enum NameProblem {

		/**
		 * PostgreSQL has no zero-length identifiers.
		 */
		EMPTY,

		/**
		 * PostgreSQL names cannot hold a NUL character.
		 */
		NUL,

		/**
		 * Longer than {@link #MAX_NAME_BYTES}: PostgreSQL would truncate it.
		 */
		TOO_LONG;

		/**
		 * Describe the problem, e.g. {@code the column name is empty}.
		 * @param kind what the name names, e.g. {@code column}
		 * @param name the name
		 * @return the description
		 */
		public String describe(String kind, String name) {
			return switch (this) {
				case EMPTY -> "the " + kind + " name is empty";
				case NUL -> "the " + kind + " name contains a NUL character";
				case TOO_LONG -> "the " + kind + " name \"" + name + "\" is " + bytes(name)
						+ " bytes, over PostgreSQL's " + MAX_NAME_BYTES + "-byte limit";
			};
		}

		/**
		 * Say how to fix the problem.
		 * @return the fix, a sentence
		 */
		public String fix() {
			return switch (this) {
				case EMPTY -> "Set a name.";
				case NUL -> "Remove it: PostgreSQL names cannot hold one.";
				case TOO_LONG -> "Use a name of at most " + MAX_NAME_BYTES + " bytes (UTF-8).";
			};
		}

	}

	private static void rejectNul(String value, String what) {
		if (value.indexOf('\0') >= 0) {
			throw new IllegalArgumentException(what + " must not contain a NUL character: '"
					+ value.replace("\0", "\\0") + "'");
		}
	}

}
