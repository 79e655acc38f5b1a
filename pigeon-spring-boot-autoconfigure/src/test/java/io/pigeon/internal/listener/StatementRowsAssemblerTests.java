package io.pigeon.internal.listener;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StatementRowsAssembler}.
 */
class StatementRowsAssemblerTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final NotificationParser parser = new NotificationParser(JSON, (id) -> {
		throw new IllegalStateException("no overflow here");
	});

	private final List<String> announced = new ArrayList<>();

	private final StatementRowsAssembler assembler = new StatementRowsAssembler(JSON,
			(rejection, payload) -> this.announced.add(rejection.getReason().tag() + ": " + rejection.getMessage()));

	@Test
	void partsBecomeOnePayloadWithEveryRowAndWithoutPartNumbers() {
		assertThat(add(part(1, 3, 7, "{\"id\":1},{\"id\":2}"))).isNull();
		assertThat(add(part(2, 3, 7, ""))).isNull();
		assertThat(add(part(3, 3, 7, "{\"id\":3}"))).isEqualTo("{\"action\":\"UPDATE\",\"schema\":\"s\",\"table\":\"t\","
				+ "\"txid\":7,\"seq\":1,\"ts\":1,\"count\":3,\"rows\":[{\"id\":1},{\"id\":2},{\"id\":3}],"
				+ "\"context\":{\"user\":null}}");
		assertThat(this.announced).isEmpty();
	}

	@Test
	void aSinglePartIsWholeAtOnce() {
		assertThat(add(part(1, 1, 7, ""))).contains("\"count\":3,\"rows\":[],\"context\"");
	}

	@Test
	void aSetInterruptedBeforeItsLastPartIsAnnouncedAndNotDelivered() {
		add(part(1, 2, 7, "{\"id\":1}"));
		this.assembler.interrupt();
		assertThat(this.announced).singleElement()
			.asString()
			.startsWith("incomplete-rows: only 1 of the 2 parts of the rows of UPDATE on \"s\".\"t\" (txid 7, seq 1)");
		// the next statement's parts assemble as usual
		assertThat(add(part(1, 1, 8, "{\"id\":9}"))).contains("[{\"id\":9}]");
	}

	@Test
	void aLostFirstPartIsAnnouncedOnceForTheWholeSet() {
		assertThat(add(part(2, 3, 7, "{\"id\":2}"))).isNull();
		assertThat(add(part(3, 3, 7, "{\"id\":3}"))).isNull();
		assertThat(this.announced).singleElement().asString().contains("part 2 of 3");
	}

	@Test
	void aPartOfAnotherStatementGivesUpThePendingSet() {
		add(part(1, 2, 7, "{\"id\":1}"));
		assertThat(add(part(1, 1, 8, "{\"id\":5}"))).contains("[{\"id\":5}]");
		assertThat(this.announced).singleElement().asString().contains("txid 7");
	}

	@Test
	void onlyPayloadsNamingPartsMayBeParts() {
		assertThat(StatementRowsAssembler.mayBePart(part(1, 1, 1, ""))).isTrue();
		assertThat(StatementRowsAssembler.mayBePart("{\"action\":\"INSERT\",\"data\":{}}")).isFalse();
	}

	private String add(String payload) {
		IncomingNotification notification = this.parser.parse("c", payload);
		assertThat(notification.isPart()).isTrue();
		return this.assembler.add(notification);
	}

	private static String part(int part, int parts, int txid, String rows) {
		return "{\"action\":\"UPDATE\",\"schema\":\"s\",\"table\":\"t\",\"txid\":" + txid + ",\"seq\":1,\"ts\":1,"
				+ "\"count\":3,\"part\":" + part + ",\"parts\":" + parts + ",\"rows\":[" + rows + "],"
				+ "\"context\":{\"user\":null}}";
	}

}
