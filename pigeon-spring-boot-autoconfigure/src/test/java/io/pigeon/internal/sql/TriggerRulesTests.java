package io.pigeon.internal.sql;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.pigeon.PigeonAction;
import io.pigeon.TriggerDelivery;
import io.pigeon.TriggerLevel;
import io.pigeon.TriggerTiming;
import io.pigeon.internal.sql.TriggerTarget.Kind;

import org.junit.jupiter.api.Test;

import static io.pigeon.PigeonAction.DELETE;
import static io.pigeon.PigeonAction.INSERT;
import static io.pigeon.PigeonAction.TRUNCATE;
import static io.pigeon.PigeonAction.UPDATE;
import static io.pigeon.TriggerLevel.ROW;
import static io.pigeon.TriggerLevel.STATEMENT;
import static io.pigeon.TriggerTiming.AFTER;
import static io.pigeon.TriggerTiming.BEFORE;
import static io.pigeon.TriggerTiming.INSTEAD_OF;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link TriggerRules}: each violation is tagged with the key it concerns, and the
 * rules that need the catalog apply only when it is known. The installer's wording of each
 * violation under its property path is covered by {@code CatalogValidatorIntegrationTests}.
 */
class TriggerRulesTests {

	private static final TriggerTarget TABLE = new TriggerTarget(Kind.TABLE, List.of("id", "name"));

	private static final TriggerTarget VIEW = new TriggerTarget(Kind.VIEW, List.of("id", "name"));

	@Test
	void everyDefaultTriggerOnATableFollowsTheRules() {
		assertThat(TriggerRules.check(trigger(ROW, AFTER, INSERT, UPDATE, DELETE), TABLE)).isEmpty();
		assertThat(TriggerRules.check(trigger(STATEMENT, AFTER, TRUNCATE), TABLE)).isEmpty();
		assertThat(TriggerRules.check(trigger(ROW, INSTEAD_OF, INSERT, UPDATE, DELETE), VIEW)).isEmpty();
		assertThat(TriggerRules.check(trigger(STATEMENT, BEFORE, INSERT), VIEW)).isEmpty();
	}

	@Test
	void violationsAreTaggedWithTheirKeyAndElement() {
		List<TriggerViolation> violations = TriggerRules.check(trigger(ROW, AFTER, INSERT, TRUNCATE, INSERT), TABLE);
		assertThat(violations).extracting(TriggerViolation::location).containsExactly("events[1]", "events[2]");
		assertThat(violations.get(0).problem()).isEqualTo("truncate triggers fire only at statement level");
		assertThat(violations.get(0).fix(UnaryOperator.identity()))
			.isEqualTo("Set 'level' to statement, or remove truncate.");
		assertThat(violations.get(0).fix((key) -> "pigeon.x." + key))
			.isEqualTo("Set 'pigeon.x.level' to statement, or remove truncate.");
		assertThat(violations.get(1).problem()).isEqualTo("insert is listed twice");
	}

	@Test
	void triggerOptionsFollowTheRulesOfTheWhenClauseAndOfThePayload() {
		TriggerDefinition update = trigger(ROW, AFTER, UPDATE);
		assertThat(TriggerRules.check(update.withOptions(new TriggerOptions("NEW.id > 0", true, List.of("name"), true,
				Map.of("user", "app.user_id"), false)), TABLE)).isEmpty();
		assertThat(TriggerRules.check(trigger(ROW, AFTER, INSERT, UPDATE).withOptions(new TriggerOptions(" ", true,
				List.of("nope"), true, Map.of("user", "user_id", "x", "pigeon.silence"), true)), TABLE))
			.extracting(TriggerViolation::location)
			.containsExactlyInAnyOrder("condition", "changed-only", "ignore-columns", "context.user", "context.x",
					"include-rows", "ignore-columns[0]");
		assertThat(TriggerRules.check(trigger(STATEMENT, AFTER, UPDATE).withOptions(new TriggerOptions("true", false,
				List.of(), true, Map.of(), true)), TABLE))
			.extracting(TriggerViolation::location)
			.containsExactly("condition", "include-changed");
		assertThat(TriggerRules.check(trigger(ROW, INSTEAD_OF, UPDATE).withOptions(new TriggerOptions("true", true,
				List.of(), false, Map.of(), false)), VIEW))
			.extracting(TriggerViolation::location)
			.containsExactly("condition", "changed-only");
		assertThat(TriggerRules.check(trigger(STATEMENT, AFTER, INSERT, UPDATE).withOptions(new TriggerOptions(null,
				false, List.of(), false, Map.of(), true)), TABLE))
			.extracting(TriggerViolation::location)
			.containsExactly("include-rows");
	}

	@Test
	void aConditionMustStayInsideItsWhenClause() {
		assertThat(TriggerRules.enclosureProblem("NEW.note <> ')' AND (NEW.\"a;b\" = 'it''s;') -- done ) ;")).isNull();
		assertThat(TriggerRules.enclosureProblem("true) EXECUTE FUNCTION evil(")).isEqualTo(
				"it closes a bracket it did not open");
		assertThat(TriggerRules.enclosureProblem("true; DROP TABLE x")).isEqualTo("it contains a semicolon");
		assertThat(TriggerRules.enclosureProblem("true /* x")).isEqualTo("it opens a /* comment");
		assertThat(TriggerRules.enclosureProblem("(true")).isEqualTo("a bracket is not closed");
		assertThat(TriggerRules.enclosureProblem("NEW.a = 'x")).isEqualTo("a quote is not closed");
		assertThat(TriggerRules.check(trigger(ROW, AFTER, UPDATE).withOptions(new TriggerOptions("true) OR (true",
				false, List.of(), false, Map.of(), false)), TABLE)).extracting(TriggerViolation::location)
			.containsExactly("condition");
	}

	@Test
	void statementRowsAllowColumnsAndChangedOnlyMustWatchAColumnItDoesNotIgnore() {
		TriggerDefinition rows = new TriggerDefinition("public", "items", "t", "f", "items", List.of("id"), false,
				STATEMENT, List.of(UPDATE), List.of(), AFTER, new TriggerOptions(null, false, List.of(), false,
						Map.of(), true));
		assertThat(TriggerRules.check(rows, TABLE)).isEmpty();
		TriggerDefinition ignoringAll = new TriggerDefinition("public", "items", "t", "f", "items", List.of("name"),
				false, ROW, List.of(UPDATE), List.of(), AFTER, new TriggerOptions(null, true, List.of("name"), false,
						Map.of(), false));
		assertThat(TriggerRules.check(ignoringAll, TABLE)).extracting(TriggerViolation::location)
			.containsExactly("ignore-columns");
	}

	@Test
	void aKeyIsForDurableRowTriggersAndNamesExistingColumnsOnce() {
		TriggerOptions key = TriggerOptions.NONE.withLaneKey(List.of("id", "nope", "id"));
		assertThat(TriggerRules.check(trigger(ROW, AFTER, INSERT).withOptions(key), TABLE))
			.extracting(TriggerViolation::location)
			.containsExactly("key");
		TriggerDefinition durable = new TriggerDefinition("public", "items", "t", "f", "items", List.of(), false, ROW,
				List.of(INSERT), List.of(), AFTER, TriggerDelivery.DURABLE, key);
		assertThat(TriggerRules.check(durable, TABLE)).extracting(TriggerViolation::location, TriggerViolation::problem)
			.containsExactly(tuple("key[1]", "column \"nope\" does not exist in table \"public\".\"items\""),
					tuple("key[2]", "column \"id\" is listed twice"));
		assertThat(TriggerRules.check(durable.withOptions(TriggerOptions.NONE.withLaneKey(List.of("name"))), TABLE))
			.isEmpty();
	}

	@Test
	void catalogRulesApplyOnlyWhenTheRelationIsKnown() {
		TriggerDefinition truncate = trigger(STATEMENT, AFTER, TRUNCATE);
		assertThat(TriggerRules.check(truncate, VIEW)).extracting(TriggerViolation::location, TriggerViolation::problem)
			.containsExactly(tuple("events[0]", "views cannot have truncate triggers"));
		assertThat(TriggerRules.check(truncate, null)).isEmpty();
		TriggerDefinition insteadOf = trigger(ROW, INSTEAD_OF, INSERT);
		assertThat(TriggerRules.check(insteadOf, new TriggerTarget(Kind.PARTITIONED_TABLE, List.of())))
			.singleElement()
			.satisfies((violation) -> {
				assertThat(violation.location()).isEqualTo("timing");
				assertThat(violation.problem()).isEqualTo("instead-of triggers are only possible on views, and "
						+ "partitioned table \"public\".\"items\" is a partitioned table");
			});
		assertThat(TriggerRules.check(insteadOf, null)).isEmpty();
		assertThat(TriggerRules.check(trigger(STATEMENT, AFTER, INSERT), VIEW)).extracting(TriggerViolation::key)
			.containsExactly("timing");
		assertThat(TriggerRules.check(trigger(ROW, BEFORE, INSERT), VIEW)).singleElement()
			.extracting(TriggerViolation::problem)
			.isEqualTo("before row-level triggers are not possible on views, and view \"public\".\"items\" is a view");
	}

	@Test
	void statementLevelTriggersOnAPartitionedTableAreRefusedAtTheirLevel() {
		TriggerTarget partitioned = new TriggerTarget(Kind.PARTITIONED_TABLE, List.of("id"));
		assertThat(TriggerRules.check(trigger(STATEMENT, AFTER, INSERT), partitioned)).singleElement()
			.satisfies((violation) -> {
				assertThat(violation.location()).isEqualTo("level");
				assertThat(violation.problem()).isEqualTo("statement-level triggers on a partitioned table fire only "
						+ "for statements that name it, not for those writing to a partition directly, and "
						+ "partitioned table \"public\".\"items\" is a partitioned table");
				assertThat(violation.fix((key) -> "pigeon.x." + key)).startsWith("Set 'pigeon.x.level' to row");
			});
		assertThat(TriggerRules.check(trigger(ROW, AFTER, INSERT), partitioned)).isEmpty();
		assertThat(TriggerRules.check(trigger(STATEMENT, AFTER, INSERT), TABLE)).isEmpty();
		assertThat(TriggerRules.check(trigger(STATEMENT, AFTER, INSERT), null)).isEmpty();
	}

	@Test
	void columnsAreCheckedOneByOne() {
		TriggerDefinition definition = new TriggerDefinition("public", "items", "t", "f", "items",
				List.of("id", "", "id", "nope", "n".repeat(64)), false, ROW, List.of(UPDATE), List.of("name", "gone"),
				AFTER);
		assertThat(TriggerRules.check(definition, TABLE)).extracting(TriggerViolation::location,
				TriggerViolation::problem)
			.containsExactly(tuple("columns[1]", "the column name is empty"),
					tuple("columns[2]", "column \"id\" is listed twice"),
					tuple("columns[3]",
							"column \"nope\" does not exist in table \"public\".\"items\""),
					tuple("columns[4]",
							"the column name \"" + "n".repeat(64) + "\" is 64 bytes, over PostgreSQL's 63-byte limit"),
					tuple("update-of[1]",
							"column \"gone\" does not exist in table \"public\".\"items\""));
		assertThat(TriggerRules.check(definition, null)).extracting(TriggerViolation::location)
			.containsExactly("columns[1]", "columns[2]", "columns[4]");
	}

	@Test
	void payloadRulesFollowTheContract() {
		TriggerDefinition statementWithRowData = new TriggerDefinition("public", "items", "t", "f", "items",
				List.of("id"), true, STATEMENT, List.of(UPDATE), List.of(), AFTER);
		assertThat(TriggerRules.check(statementWithRowData, TABLE)).extracting(TriggerViolation::key)
			.containsExactly("columns", "include-old");
		TriggerDefinition oldWithoutUpdate = new TriggerDefinition("public", "items", "t", "f", "items", List.of(),
				true, ROW, List.of(INSERT), List.of(), AFTER);
		assertThat(TriggerRules.check(oldWithoutUpdate, TABLE)).singleElement()
			.satisfies((violation) -> assertThat(violation.fix((key) -> "<" + key + ">"))
				.isEqualTo("Add update to '<events>', or remove include-old."));
	}

	@Test
	void durableTriggersMustBeAfterTriggers() {
		for (TriggerTiming timing : List.of(BEFORE, INSTEAD_OF)) {
			TriggerDefinition durable = new TriggerDefinition("public", "items", "t", "f", "items", List.of(), false,
					ROW, List.of(INSERT), List.of(), timing, TriggerDelivery.DURABLE);
			assertThat(TriggerRules.check(durable, null)).filteredOn((violation) -> violation.key().equals("delivery"))
				.singleElement()
				.satisfies((violation) -> assertThat(violation.fix((key) -> "<" + key + ">"))
					.isEqualTo("Set '<timing>' to after, or '<delivery>' to notify."));
		}
		assertThat(TriggerRules.check(new TriggerDefinition("public", "items", "t", "f", "items", List.of(), false,
				STATEMENT, List.of(TRUNCATE), List.of(), AFTER, TriggerDelivery.DURABLE), TABLE)).isEmpty();
	}

	@Test
	void durableTriggersTakeEveryTriggerOptionByTheRulesOfNotifyTriggers() {
		TriggerOptions filters = new TriggerOptions("NEW.name <> 'draft'", true, List.of("name"), true,
				Map.of("user", "app.user_id"), false);
		assertThat(TriggerRules.check(new TriggerDefinition("public", "items", "t", "f", "items", List.of("id", "name"),
				false, ROW, List.of(UPDATE), List.of(), AFTER, TriggerDelivery.DURABLE, filters), TABLE)).isEmpty();
		assertThat(TriggerRules.check(new TriggerDefinition("public", "items", "t", "f", "items", List.of("id"), false,
				STATEMENT, List.of(UPDATE), List.of(), AFTER, TriggerDelivery.DURABLE,
				new TriggerOptions(null, false, List.of(), false, Map.of("user", "app.user_id"), true)), TABLE)).isEmpty();
		// the same refusals as for notify triggers: changed-only needs update alone
		assertThat(TriggerRules.check(new TriggerDefinition("public", "items", "t", "f", "items", List.of(), false,
				ROW, List.of(INSERT, UPDATE), List.of(), AFTER, TriggerDelivery.DURABLE, filters), TABLE))
			.extracting(TriggerViolation::key)
			.containsExactly("changed-only", "ignore-columns");
	}

	@Test
	void durableTriggerOnSeveralEventsNeedsRoomForItsEventTriggersNames() {
		String name = "t".repeat(57);
		TriggerDefinition durable = new TriggerDefinition("public", "items", name, "f", "items", List.of(), false,
				ROW, List.of(INSERT, UPDATE, DELETE), List.of(), AFTER, TriggerDelivery.DURABLE);
		assertThat(TriggerRules.check(durable, TABLE)).singleElement().satisfies((violation) -> {
			assertThat(violation.key()).isEqualTo("name");
			assertThat(violation.problem()).startsWith("the trigger name \"" + name + "_update\" is 64 bytes");
			assertThat(violation.fix((key) -> "<" + key + ">")).isEqualTo("Shorten '<name>' to at most 56 bytes.");
		});
		// a partitioned table keeps one row-level trigger, and update-of needs one too
		assertThat(TriggerRules.check(durable, new TriggerTarget(Kind.PARTITIONED_TABLE, List.of("id")))).isEmpty();
		assertThat(TriggerRules.check(new TriggerDefinition("public", "items", "t".repeat(56), "f", "items",
				List.of(), false, ROW, List.of(INSERT, UPDATE, DELETE), List.of(), AFTER, TriggerDelivery.DURABLE),
				TABLE)).isEmpty();
	}

	private static TriggerDefinition trigger(TriggerLevel level, TriggerTiming timing, PigeonAction... events) {
		return new TriggerDefinition("public", "items", "t", "f", "items", List.of(), false, level, List.of(events),
				List.of(), timing);
	}

}
