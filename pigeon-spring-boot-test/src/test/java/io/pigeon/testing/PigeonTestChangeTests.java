package io.pigeon.testing;

import java.time.Instant;
import java.util.Map;

import io.pigeon.PigeonAction;
import io.pigeon.internal.payload.ChangePayloadWriter;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link PigeonTestChange}: payloads written by Pigeon's payload contract, and the
 * contract's rules enforced.
 */
class PigeonTestChangeTests {

	private static final Instant TIME = Instant.parse("2026-01-02T03:04:05.123456Z");

	private final JsonMapper jsonMapper = JsonMapper.shared();

	@Test
	void writesAnInsertAsTheTriggersDo() {
		String payload = PigeonTestChanges.insert("items")
			.data(new Row(1, "Bird seed"))
			.timestamp(TIME)
			.payload(this.jsonMapper);
		assertThat(payload).isEqualTo("""
				{"action":"INSERT","schema":"public","table":"items","txid":1,"seq":1,"ts":1767323045123456,\
				"data":{"id":1,"name":"Bird seed"}}""");
	}

	@Test
	void writesAnUpdateWithItsOldRowLikeChangePayloadWriter() {
		String payload = PigeonTestChanges.update("shop_items")
			.schema("shop")
			.table("items")
			.dataJson("{\"id\":1,\"name\":\"new\"}")
			.old(Map.of("id", 1))
			.timestamp(TIME)
			.payload(this.jsonMapper);
		assertThat(payload).isEqualTo(ChangePayloadWriter.change(PigeonAction.UPDATE, "shop", "items")
			.data("{\"id\":1,\"name\":\"new\"}")
			.old("{\"id\":1}")
			.ts(TIME)
			.write());
	}

	@Test
	void writesAStatementLevelChangeWithItsCount() {
		assertThat(PigeonTestChanges.delete("items").count(3).timestamp(TIME).payload(this.jsonMapper))
			.isEqualTo("""
					{"action":"DELETE","schema":"public","table":"items","txid":1,"seq":1,"ts":1767323045123456,\
					"count":3}""");
	}

	@Test
	void rejectsRowsWithACount() {
		assertThatIllegalStateException()
			.isThrownBy(() -> PigeonTestChanges.insert("items").data(Map.of("id", 1)).count(1).payload(this.jsonMapper))
			.withMessage("A synthetic INSERT on channel 'items' has rows and a count: a row-level change carries "
					+ "data, a statement-level one a count; set one of them");
	}

	@Test
	void rejectsATruncateWithRows() {
		assertThatIllegalStateException()
			.isThrownBy(() -> PigeonTestChanges.truncate("items").data(Map.of("id", 1)).payload(this.jsonMapper))
			.withMessage("A synthetic TRUNCATE on channel 'items' has rows: a TRUNCATE is statement level only and "
					+ "carries none; remove data(…) and old(…)");
	}

	@Test
	void rejectsAnOldRowOutsideAnUpdate() {
		assertThatIllegalStateException()
			.isThrownBy(() -> PigeonTestChanges.insert("items")
				.data(Map.of("id", 1))
				.old(Map.of("id", 0))
				.payload(this.jsonMapper))
			.withMessage("A synthetic INSERT on channel 'items' has an old row: only an UPDATE carries one; "
					+ "remove old(…)");
	}

	@Test
	void rejectsAnUpdateWithAnOldRowOnly() {
		assertThatIllegalStateException()
			.isThrownBy(() -> PigeonTestChanges.update("items").old(Map.of("id", 0)).payload(this.jsonMapper))
			.withMessage("A synthetic UPDATE on channel 'items' has an old row but no data: an update carries the "
					+ "new row too; add data(…)");
	}

	record Row(int id, String name) {
	}

}
