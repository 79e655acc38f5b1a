package io.pigeon.internal.sql;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link SqlIdentifiers}.
 */
class SqlIdentifiersTests {

	@Test
	void quoteKeepsCaseAndSpaces() {
		assertThat(SqlIdentifiers.quote("Order Items")).isEqualTo("\"Order Items\"");
		assertThat(SqlIdentifiers.quote("MiXeD")).isEqualTo("\"MiXeD\"");
	}

	@Test
	void quoteDoublesEveryDoubleQuote() {
		assertThat(SqlIdentifiers.quote("it\"ems")).isEqualTo("\"it\"\"ems\"");
		assertThat(SqlIdentifiers.quote("\"\"")).isEqualTo("\"\"\"\"\"\"");
	}

	@Test
	void quoteLeavesEverythingElseAlone() {
		assertThat(SqlIdentifiers.quote("items; drop table x")).isEqualTo("\"items; drop table x\"");
		assertThat(SqlIdentifiers.quote("it's \\ $$ é")).isEqualTo("\"it's \\ $$ é\"");
	}

	@Test
	void quoteRejectsEmptyName() {
		assertThatIllegalArgumentException().isThrownBy(() -> SqlIdentifiers.quote(""))
			.withMessage("An SQL identifier must not be empty");
	}

	@Test
	void quoteRejectsNul() {
		assertThatIllegalArgumentException().isThrownBy(() -> SqlIdentifiers.quote("a\0b"))
			.withMessage("An SQL identifier must not contain a NUL character: 'a\\0b'");
	}

	@Test
	void literalDoublesEverySingleQuote() {
		assertThat(SqlIdentifiers.literal("it's")).isEqualTo("'it''s'");
		assertThat(SqlIdentifiers.literal("''")).isEqualTo("''''''");
	}

	@Test
	void literalKeepsBackslashesAndDoubleQuotes() {
		assertThat(SqlIdentifiers.literal("a\\b \"c\"")).isEqualTo("'a\\b \"c\"'");
	}

	@Test
	void literalOfEmptyString() {
		assertThat(SqlIdentifiers.literal("")).isEqualTo("''");
	}

	@Test
	void literalRejectsNul() {
		assertThatIllegalArgumentException().isThrownBy(() -> SqlIdentifiers.literal("\0"))
			.withMessage("An SQL string literal must not contain a NUL character: '\\0'");
	}

	@Test
	void checkCountsTheLimitInUtf8Bytes() {
		assertThat(SqlIdentifiers.check("n".repeat(63))).isNull();
		assertThat(SqlIdentifiers.check("n".repeat(64))).isEqualTo(SqlIdentifiers.NameProblem.TOO_LONG);
		// 32 two-byte characters are 64 bytes
		assertThat(SqlIdentifiers.check("é".repeat(32))).isEqualTo(SqlIdentifiers.NameProblem.TOO_LONG);
		assertThat(SqlIdentifiers.check("é".repeat(31) + "e")).isNull();
		assertThat(SqlIdentifiers.check("")).isEqualTo(SqlIdentifiers.NameProblem.EMPTY);
		assertThat(SqlIdentifiers.check("a\0b")).isEqualTo(SqlIdentifiers.NameProblem.NUL);
	}

	@Test
	void nameProblemsSayWhatIsWrongAndHowToFixIt() {
		String name = "é".repeat(32);
		assertThat(SqlIdentifiers.NameProblem.TOO_LONG.describe("column", name))
			.isEqualTo("the column name \"" + name + "\" is 64 bytes, over PostgreSQL's 63-byte limit");
		assertThat(SqlIdentifiers.NameProblem.TOO_LONG.fix()).isEqualTo("Use a name of at most 63 bytes (UTF-8).");
		assertThat(SqlIdentifiers.NameProblem.EMPTY.describe("channel", "")).isEqualTo("the channel name is empty");
		assertThat(SqlIdentifiers.NameProblem.NUL.describe("table", "a\0b"))
			.isEqualTo("the table name contains a NUL character");
	}

	@Test
	void qualifiedQuotesBothNames() {
		assertThat(SqlIdentifiers.qualified("Order Items", "it\"ems")).isEqualTo("\"Order Items\".\"it\"\"ems\"");
	}

}
