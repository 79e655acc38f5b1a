package io.pigeon.internal.listener;

import java.time.Duration;
import java.util.List;

import io.pigeon.PigeonErrorHandler;
import io.pigeon.PigeonListener;
import io.pigeon.PigeonListenerHandle;
import io.pigeon.PigeonListenerRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Tests for {@link PigeonListenerAnnotationBeanPostProcessor}'s attributes: {@code id},
 * {@code autoStartup}, {@code errorHandler} and {@code condition}, resolved and checked at
 * start-up, and the listeners they give the {@link PigeonListenerRegistry}.
 */
class PigeonListenerAnnotationBeanPostProcessorTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(Infrastructure.class);

	@Test
	void idDefaultsToBeanAndMethodNameAndResolvesPlaceholdersAndExpressions() {
		this.contextRunner.withBean("defaults", DefaultListener.class)
			.withBean("named", NamedListener.class)
			.withPropertyValues("test.id=from-placeholder", "test.auto=false")
			.run((context) -> {
				PigeonListenerRegistry registry = context.getBean(PigeonListenerRegistry.class);
				assertThat(registry.getListenerIds()).containsExactlyInAnyOrder("defaults.onItem",
						"from-placeholder", "from-expression");
				PigeonListenerHandle placeholder = registry.getRequiredListener("from-placeholder");
				assertThat(placeholder.isAutoStartup()).isFalse();
				assertThat(placeholder.isRunning()).isFalse();
				assertThat(placeholder.getChannels()).containsExactly("items");
				assertThat(registry.getRequiredListener("from-expression").isAutoStartup()).isTrue();
				assertThat(registry.getRequiredListener("from-expression").isRunning()).isTrue();
				assertThat(registry.getRequiredListener("defaults.onItem").isRunning()).isTrue();
				assertThat(registry.getListener("unknown")).isNull();
			});
	}

	@Test
	void requiredListenerThatIsMissingNamesTheIds() {
		this.contextRunner.withBean("defaults", DefaultListener.class).run((context) -> {
			PigeonListenerRegistry registry = context.getBean(PigeonListenerRegistry.class);
			assertThat(catchThrowable(() -> registry.getRequiredListener("nope")))
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessage("No @PigeonListener with id 'nope': the ids are [defaults.onItem]");
		});
	}

	@Test
	void duplicateIdFailsStartUpNamingBothMethods() {
		this.contextRunner.withBean("first", DuplicateListener.class)
			.withBean("second", OtherDuplicateListener.class)
			.run((context) -> assertThat(invalidListener(context))
				.hasMessageContaining("has the id 'same' of @PigeonListener method")
				.hasMessageContaining(DuplicateListener.class.getCanonicalName() + ".onItem(String)")
				.hasMessageContaining(OtherDuplicateListener.class.getCanonicalName() + ".onOther(String)")
				.hasMessageContaining("listener ids must be unique"));
	}

	@Test
	void autoStartupThatIsNotABooleanFailsStartUp() {
		this.contextRunner.withBean("bad", BadAutoStartupListener.class)
			.withPropertyValues("test.auto=sometimes")
			.run((context) -> assertThat(invalidListener(context))
				.hasMessage("@PigeonListener method '" + BadAutoStartupListener.class.getCanonicalName()
						+ ".onItem(String)' has autoStartup '${test.auto}', which resolves to 'sometimes': it must "
						+ "resolve to true or false"));
	}

	@Test
	void concurrencyResolvesPlaceholdersAndDefaultsToThePropertyWhenEmpty() {
		this.contextRunner.withBean("lanes", LanesListener.class)
			.withPropertyValues("test.lanes=8")
			.run((context) -> assertThat(context.getBean(PigeonListenerEndpointRegistry.class).getEndpoints())
				.singleElement()
				.extracting(ListenerEndpoint::concurrency)
				.isEqualTo(8));
		this.contextRunner.withBean("lanes", LanesListener.class)
			.withPropertyValues("test.lanes=")
			.run((context) -> assertThat(context.getBean(PigeonListenerEndpointRegistry.class).getEndpoints())
				.singleElement()
				.extracting(ListenerEndpoint::concurrency)
				.isNull());
	}

	@Test
	void concurrencyThatIsNotANumberOfLanesFailsStartUp() {
		for (String lanes : List.of("0", "1025", "many")) {
			this.contextRunner.withBean("lanes", LanesListener.class)
				.withPropertyValues("test.lanes=" + lanes)
				.run((context) -> assertThat(invalidListener(context))
					.hasMessage("@PigeonListener method '" + LanesListener.class.getCanonicalName()
							+ ".onItem(String)' has concurrency '${test.lanes}', which resolves to '" + lanes
							+ "': it must resolve to a number of lanes from 1 to 1024, or an empty text (for "
							+ "pigeon.durable.concurrency)"));
		}
	}

	@Test
	void errorHandlerNamesABeanOfItsType() {
		this.contextRunner.withBean("handled", HandledListener.class)
			.withBean("itemErrors", PigeonErrorHandler.class, () -> (channel, payload, exception) -> {
			})
			.run((context) -> {
				ListenerEndpoint endpoint = context.getBean(PigeonListenerEndpointRegistry.class).getEndpoints().get(0);
				assertThat(endpoint.errorHandler()).isSameAs(context.getBean("itemErrors"));
			});
	}

	@Test
	void errorHandlerThatIsMissingOrOfAnotherTypeFailsStartUp() {
		this.contextRunner.withBean("handled", HandledListener.class)
			.run((context) -> assertThat(invalidListener(context))
				.hasMessageContaining("names errorHandler 'itemErrors', but there is no bean of that name: declare a "
						+ "PigeonErrorHandler bean named 'itemErrors'"));
		this.contextRunner.withBean("handled", HandledListener.class)
			.withBean("itemErrors", String.class, () -> "not a handler")
			.run((context) -> assertThat(invalidListener(context))
				.hasMessageContaining("names errorHandler 'itemErrors', a bean of type java.lang.String: name a bean "
						+ "that implements PigeonErrorHandler"));
	}

	@Test
	void conditionThatDoesNotParseFailsStartUp() {
		this.contextRunner.withBean("bad", BadConditionListener.class)
			.run((context) -> assertThat(invalidListener(context))
				.hasMessageContaining("@PigeonListener method '" + BadConditionListener.class.getCanonicalName()
						+ ".onItem(String)' has a condition that is not a valid SpEL expression "
						+ "('#event.data.status ==')"));
	}

	private static InvalidPigeonListenerException invalidListener(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		while (failure != null && !(failure instanceof InvalidPigeonListenerException)) {
			failure = failure.getCause();
		}
		assertThat(failure).as("an InvalidPigeonListenerException among the causes").isNotNull();
		return (InvalidPigeonListenerException) failure;
	}

	@Configuration(proxyBeanMethods = false)
	static class Infrastructure {

		@Bean
		static PigeonListenerAnnotationBeanPostProcessor pigeonListenerAnnotationBeanPostProcessor() {
			return new PigeonListenerAnnotationBeanPostProcessor();
		}

		@Bean
		PigeonListenerEndpointRegistry pigeonListenerEndpointRegistry() {
			return new PigeonListenerEndpointRegistry(IdleContainer::new);
		}

	}

	/**
	 * A container that delivers nothing: these tests are about the endpoints.
	 */
	static final class IdleContainer extends AbstractListenerContainer {

		IdleContainer(List<ListenerEndpoint> endpoints) {
			super(endpoints, Duration.ZERO);
		}

		@Override
		public int getPending(String channel) {
			return 0;
		}

		@Override
		protected void doStart() {
		}

		@Override
		protected void doStop(long deadlineNanos) {
		}

		@Override
		protected void doAbandon() {
		}

	}

	static class DefaultListener {

		@PigeonListener(channel = "items")
		void onItem(String payload) {
		}

	}

	static class NamedListener {

		@PigeonListener(channel = "items", id = "${test.id}", autoStartup = "${test.auto}")
		void onItem(String payload) {
		}

		@PigeonListener(channel = "items", id = "#{'from-' + 'expression'}", autoStartup = "#{1 + 1 == 2}")
		void onOther(String payload) {
		}

	}

	static class DuplicateListener {

		@PigeonListener(channel = "items", id = "same")
		void onItem(String payload) {
		}

	}

	static class OtherDuplicateListener {

		@PigeonListener(channel = "other", id = "same")
		void onOther(String payload) {
		}

	}

	static class BadAutoStartupListener {

		@PigeonListener(channel = "items", autoStartup = "${test.auto}")
		void onItem(String payload) {
		}

	}

	static class LanesListener {

		@PigeonListener(channel = "items", concurrency = "${test.lanes}")
		void onItem(String payload) {
		}

	}

	static class HandledListener {

		@PigeonListener(channel = "items", errorHandler = "itemErrors")
		void onItem(String payload) {
		}

	}

	static class BadConditionListener {

		@PigeonListener(channel = "items", condition = "#event.data.status ==")
		void onItem(String payload) {
		}

	}

}
