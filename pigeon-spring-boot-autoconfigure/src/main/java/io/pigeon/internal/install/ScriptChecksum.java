package io.pigeon.internal.install;

import org.jspecify.annotations.Nullable;

/**
 * The checksum the history records for generated SQL: the SHA-256 of its normalised form, so
 * that a change in how the generator lays out its SQL does not re-install every trigger at the
 * next deploy, while any change in what the SQL does changes the checksum.
 * <p>
 * Normalising treats as layout every run of whitespace and every comment outside string
 * literals and quoted identifiers: a run becomes one space, or nothing next to a bracket, a
 * comma or a semicolon, where no whitespace can matter. String literals, quoted identifiers
 * and dollar-quoted strings nested in a function body stay exactly as written: whitespace
 * there is part of a value. A dollar-quoted string outside any other is a function body, which
 * is code and normalised like the statement around it.
 */
final class ScriptChecksum {

	private ScriptChecksum() {
	}

	/**
	 * Return the checksum of generated SQL.
	 * @param sql one or more statements
	 * @return the SHA-256 of the normalised SQL, in hexadecimal
	 */
	static String of(String sql) {
		return Sha256.hex(normalise(sql));
	}

	/**
	 * Return SQL with its layout normalised.
	 * @param sql one or more statements
	 * @return the normalised SQL
	 */
	static String normalise(String sql) {
		Normaliser normaliser = new Normaliser(sql);
		normaliser.code(null);
		return normaliser.result.toString();
	}

	private static final class Normaliser {

		private final String sql;

		private final StringBuilder result = new StringBuilder();

		private int position;

		private boolean pendingSpace;

		Normaliser(String sql) {
			this.sql = sql;
		}

		/**
		 * Copy code up to the end of the text, or up to and including the closing tag of the
		 * dollar-quoted body it is in.
		 */
		void code(@Nullable String closingTag) {
			while (this.position < this.sql.length()) {
				char c = this.sql.charAt(this.position);
				if (closingTag != null && this.sql.startsWith(closingTag, this.position)) {
					token(closingTag);
					return;
				}
				if (Character.isWhitespace(c)) {
					this.pendingSpace = true;
					this.position++;
				}
				else if (this.sql.startsWith("--", this.position)) {
					int end = this.sql.indexOf('\n', this.position);
					this.position = (end < 0) ? this.sql.length() : end + 1;
					this.pendingSpace = true;
				}
				else if (this.sql.startsWith("/*", this.position)) {
					skipBlockComment();
					this.pendingSpace = true;
				}
				else if (c == '\'') {
					boolean escapes = isEscapeStringPrefix();
					token(quoted('\'', escapes));
				}
				else if (c == '"') {
					token(quoted('"', false));
				}
				else if (c == '$' && dollarTag() != null) {
					dollarQuoted(dollarTag(), closingTag == null);
				}
				else {
					token(String.valueOf(c));
				}
			}
		}

		private void dollarQuoted(String tag, boolean body) {
			if (body) {
				token(tag);
				code(tag);
			}
			else {
				int end = this.sql.indexOf(tag, this.position + tag.length());
				token(this.sql.substring(this.position, (end < 0) ? this.sql.length() : end + tag.length()));
			}
		}

		/**
		 * Append a token verbatim and move past it, first writing the space a preceding run of
		 * layout stands for, unless a bracket, comma or semicolon makes it meaningless.
		 */
		private void token(String token) {
			boolean meaningful = !this.result.isEmpty() && !isPunctuation(this.result.charAt(this.result.length() - 1))
					&& !isPunctuation(token.charAt(0));
			if (this.pendingSpace && meaningful) {
				this.result.append(' ');
			}
			this.pendingSpace = false;
			this.result.append(token);
			this.position += token.length();
		}

		private static boolean isPunctuation(char c) {
			return c == '(' || c == ')' || c == ',' || c == ';';
		}

		/**
		 * Return a string literal or quoted identifier from the current position, a doubled
		 * quote included as part of it.
		 */
		private String quoted(char quote, boolean backslashEscapes) {
			int i = this.position + 1;
			while (i < this.sql.length()) {
				char c = this.sql.charAt(i);
				if (backslashEscapes && c == '\\') {
					i += 2;
				}
				else if (c == quote) {
					if (i + 1 < this.sql.length() && this.sql.charAt(i + 1) == quote) {
						i += 2;
					}
					else {
						return this.sql.substring(this.position, i + 1);
					}
				}
				else {
					i++;
				}
			}
			return this.sql.substring(this.position);
		}

		/**
		 * Return whether the quote at the current position opens an escape string
		 * ({@code E'…'}), in which a backslash escapes the next character.
		 */
		private boolean isEscapeStringPrefix() {
			int e = this.position - 1;
			if (e < 0 || Character.toUpperCase(this.sql.charAt(e)) != 'E') {
				return false;
			}
			return e == 0 || !isIdentifierPart(this.sql.charAt(e - 1));
		}

		/**
		 * Return the dollar-quoting tag ({@code $$} or {@code $name$}) starting at the current
		 * position, or {@code null} if the dollar sign is part of an identifier or a
		 * parameter ({@code $1}).
		 */
		private @Nullable String dollarTag() {
			if (this.position > 0 && isIdentifierPart(this.sql.charAt(this.position - 1))) {
				return null;
			}
			int i = this.position + 1;
			while (i < this.sql.length() && this.sql.charAt(i) != '$') {
				char c = this.sql.charAt(i);
				boolean valid = Character.isLetter(c) || c == '_' || (i > this.position + 1 && Character.isDigit(c));
				if (!valid) {
					return null;
				}
				i++;
			}
			return (i < this.sql.length()) ? this.sql.substring(this.position, i + 1) : null;
		}

		private static boolean isIdentifierPart(char c) {
			return Character.isLetterOrDigit(c) || c == '_' || c == '$';
		}

		/**
		 * Skip a block comment, which PostgreSQL lets nest.
		 */
		private void skipBlockComment() {
			int depth = 0;
			while (this.position < this.sql.length()) {
				if (this.sql.startsWith("/*", this.position)) {
					depth++;
					this.position += 2;
				}
				else if (this.sql.startsWith("*/", this.position)) {
					depth--;
					this.position += 2;
					if (depth == 0) {
						return;
					}
				}
				else {
					this.position++;
				}
			}
		}

	}

}
