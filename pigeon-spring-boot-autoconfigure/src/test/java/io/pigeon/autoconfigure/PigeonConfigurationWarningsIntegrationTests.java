package io.pigeon.autoconfigure;

import io.pigeon.PigeonListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start-up warns once about legal configurations that are probably mistakes: overlapping triggers
 * on one table and channel, and a listener channel that differs from a trigger's only in case.
 */
@ExtendWith(OutputCaptureExtension.class)
class PigeonConfigurationWarningsIntegrationTests {

	@Test
	void overlappingTriggersAndChannelsDifferingInCaseAreWarnedAboutOnce(CapturedOutput output) {
		try (ConfigurableApplicationContext context = ListenerTestApplication.run(CaseListener.class,
				"pigeon.schemas[0].name=public", "pigeon.schemas[0].tables[0].name=orders",
				"pigeon.schemas[0].tables[0].triggers[0].name=orders_all",
				"pigeon.schemas[0].tables[0].triggers[1].name=orders_updates",
				"pigeon.schemas[0].tables[0].triggers[1].events=update",
				"pigeon.schemas[0].tables[0].triggers[2].name=orders_attempted",
				"pigeon.schemas[0].tables[0].triggers[2].timing=before",
				"pigeon.schemas[0].tables[0].triggers[2].events=insert",
				"pigeon.schemas[0].tables[0].triggers[3].name=orders_elsewhere",
				"pigeon.schemas[0].tables[0].triggers[3].channel=audit")) {
			String out = output.getOut();
			assertThat(out).contains("pigeon.schemas[0].tables[0].triggers[0] and "
					+ "pigeon.schemas[0].tables[0].triggers[1] both notify channel 'orders' for [UPDATE]");
			assertThat(out).contains("pigeon.schemas[0].tables[0].triggers[0] and "
					+ "pigeon.schemas[0].tables[0].triggers[2] both notify channel 'orders' for [INSERT]")
				.contains("A before/after pair shows attempted and written changes");
			assertThat(out).doesNotContain("triggers[1] and pigeon.schemas[0].tables[0].triggers[2]")
				.doesNotContain("triggers[3] both");
			assertThat(out.split("listens on channel 'Orders', but the configured triggers notify 'orders'", -1))
				.hasSize(2);
			assertThat(out).doesNotContain("listens on channel 'audit'");
		}
	}

	@Configuration(proxyBeanMethods = false)
	@Import(ListenerTestApplication.class)
	static class CaseListener {

		@Bean
		Listeners listeners() {
			return new Listeners();
		}

	}

	static class Listeners {

		@PigeonListener(channel = "Orders")
		void onOrder(String payload) {
		}

		@PigeonListener(channel = "audit")
		void onAudit(String payload) {
		}

	}

}
