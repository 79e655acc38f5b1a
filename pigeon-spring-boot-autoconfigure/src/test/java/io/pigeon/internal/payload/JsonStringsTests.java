package io.pigeon.internal.payload;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link JsonStrings}.
 */
class JsonStringsTests {

	@Test
	void quoteWrapsPlainText() {
		assertThat(JsonStrings.quote("Order Items")).isEqualTo("\"Order Items\"");
	}

	@Test
	void quoteEscapesQuoteAndBackslash() {
		assertThat(JsonStrings.quote("it\"ems\\x")).isEqualTo("\"it\\\"ems\\\\x\"");
	}

	@Test
	void quoteEscapesControlCharacters() {
		assertThat(JsonStrings.quote("a\nb\tc\rd\be\ff\u0001g\u001f"))
			.isEqualTo("\"a\\nb\\tc\\rd\\be\\ff\\u0001g\\u001f\"");
	}

	@Test
	void quoteKeepsNonAsciiText() {
		assertThat(JsonStrings.quote("élément \u2028 日本")).isEqualTo("\"élément \u2028 日本\"");
	}

}
