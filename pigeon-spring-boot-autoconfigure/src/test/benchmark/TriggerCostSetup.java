import java.util.List;

import io.pigeon.internal.sql.TriggerDefinition;
import io.pigeon.PigeonAction;
import io.pigeon.TriggerLevel;
import io.pigeon.internal.sql.TriggerSqlGenerator;
import io.pigeon.TriggerTiming;

/**
 * Prints the set-up of trigger-cost.sh: schema pigeon_bench with three identical tables, one
 * without a trigger, one with a minimal hand-written NOTIFY trigger (the baseline) and one with
 * the trigger Pigeon generates with default options. Run with the compiled classes on the class
 * path, so the benchmark always measures the current generator:
 * {@code java -cp target/classes src/test/benchmark/TriggerCostSetup.java}.
 */
public class TriggerCostSetup {

	public static void main(String[] args) {
		String schema = "pigeon_bench";
		String columns = "(item_no int, item_description text, price numeric(10,2), created_at timestamptz, "
				+ "attributes jsonb, note text)";
		TriggerSqlGenerator generator = new TriggerSqlGenerator(schema);
		TriggerDefinition pigeon = new TriggerDefinition(schema, "items_pigeon", "pigeon_items_pigeon_notify",
				"pigeon_items_pigeon_notify_fn", "items_pigeon", List.of(), false, TriggerLevel.ROW,
				List.of(PigeonAction.INSERT, PigeonAction.UPDATE, PigeonAction.DELETE), List.of(), TriggerTiming.AFTER);
		System.out.println("""
				DROP SCHEMA IF EXISTS pigeon_bench CASCADE;
				CREATE SCHEMA pigeon_bench;
				CREATE TABLE pigeon_bench.items_none %1$s;
				CREATE TABLE pigeon_bench.items_baseline %1$s;
				CREATE TABLE pigeon_bench.items_pigeon %1$s;

				CREATE FUNCTION pigeon_bench.baseline_notify_fn() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
					PERFORM pg_notify('items_baseline', json_build_object('item_no', NEW.item_no,
						'item_description', NEW.item_description, 'price', NEW.price, 'created_at', NEW.created_at,
						'attributes', NEW.attributes, 'note', NEW.note)::text);
					RETURN NULL;
				END
				$$;
				CREATE TRIGGER baseline_notify AFTER INSERT OR UPDATE OR DELETE ON pigeon_bench.items_baseline
				FOR EACH ROW EXECUTE FUNCTION pigeon_bench.baseline_notify_fn();
				""".formatted(columns));
		System.out.println(generator.createSupportObjects());
		System.out.println(generator.createFunction(pigeon) + ";");
		System.out.println(generator.createTrigger(pigeon) + ";");
	}

}
