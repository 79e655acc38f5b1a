package io.pigeon.sample;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Starts the sample application with {@code pigeon.sample.demo=true}, as the README's run command
 * does, and reads the three events in its log.
 */
@SpringBootTest(properties = "pigeon.sample.demo=true")
@Import(SampleTestSchema.class)
@ExtendWith(OutputCaptureExtension.class)
class PigeonSampleDemoIntegrationTests {

	@Autowired
	private SampleTestSchema schema;

	@Autowired
	private JdbcTemplate jdbcTemplate;

	@Test
	void demoLogsAnInsertAnUpdateAndADelete(CapturedOutput output) {
		// The schema is new, so the demo's item is the first.
		String table = this.schema.getName() + ".items";
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut())
			.contains("INSERT on " + table + ": {item_no=1, item_description=Bird seed, price=4.25")
			.contains("UPDATE on " + table + ": {item_no=1, item_description=Bird seed, price=5.75")
			.contains("DELETE on " + table + ": {item_no=1, item_description=Bird seed, price=5.75")
			.contains("Price of item 1 (Bird seed): 4.25 -> 5.75"));
		assertThat(output.getOut().indexOf("INSERT on " + table)).isLessThan(output.getOut().indexOf("UPDATE on " + table));
		assertThat(output.getOut().indexOf("UPDATE on " + table)).isLessThan(output.getOut().indexOf("DELETE on " + table));
		assertThat(this.jdbcTemplate.queryForObject("SELECT count(*) FROM items", Integer.class)).isZero();
	}

}
