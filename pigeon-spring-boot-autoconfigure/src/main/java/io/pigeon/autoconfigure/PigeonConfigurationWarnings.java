package io.pigeon.autoconfigure;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

import io.pigeon.PigeonAction;
import io.pigeon.TriggerTiming;
import io.pigeon.internal.install.TriggerConfiguration;
import io.pigeon.internal.listener.PigeonListenerEndpointRegistry;
import io.pigeon.internal.sql.TriggerDefinition;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;

/**
 * Warns once at start-up, when every listener method is registered, about configurations that
 * are legal but probably a mistake: two active triggers on one table and channel whose events
 * overlap (each such change is notified twice; a {@code before}/{@code after} pair is a
 * legitimate way to see attempted and written changes, so it is only warned about), and a
 * listener channel that equals a configured trigger channel only when case is ignored
 * ({@code Orders} never receives {@code orders}).
 */
final class PigeonConfigurationWarnings implements ApplicationListener<ContextRefreshedEvent> {

	private static final Log logger = LogFactory.getLog(PigeonConfigurationWarnings.class);

	private final PigeonProperties properties;

	private final ObjectProvider<PigeonListenerEndpointRegistry> registry;

	private final AtomicBoolean warned = new AtomicBoolean();

	PigeonConfigurationWarnings(PigeonProperties properties, ObjectProvider<PigeonListenerEndpointRegistry> registry) {
		this.properties = properties;
		this.registry = registry;
	}

	// Once refreshed: listener methods are registered only after every singleton is instantiated.
	@Override
	public void onApplicationEvent(ContextRefreshedEvent event) {
		if (!this.warned.compareAndSet(false, true)) {
			return;
		}
		List<TriggerConfiguration.Trigger> triggers = TriggerConfigurationResolver.resolve(this.properties)
			.triggers()
			.stream()
			.filter(TriggerConfiguration.Trigger::active)
			.toList();
		warnings(triggers, channels(this.registry.getIfAvailable())).forEach(logger::warn);
	}

	private static Set<String> channels(PigeonListenerEndpointRegistry registry) {
		return (registry != null) ? registry.getChannels() : Set.of();
	}

	/**
	 * Return the warnings for the active triggers and the channels listened on.
	 * @param triggers the active triggers
	 * @param listenedChannels the channels of the listener methods
	 * @return one message per probable mistake
	 */
	static List<String> warnings(List<TriggerConfiguration.Trigger> triggers, Collection<String> listenedChannels) {
		List<String> warnings = new ArrayList<>();
		for (int i = 0; i < triggers.size(); i++) {
			for (int j = i + 1; j < triggers.size(); j++) {
				String overlap = overlap(triggers.get(i), triggers.get(j));
				if (overlap != null) {
					warnings.add(overlap);
				}
			}
		}
		Set<String> triggerChannels = new TreeSet<>();
		triggers.forEach((trigger) -> triggerChannels.add(trigger.definition().channel()));
		for (String listened : new TreeSet<>(listenedChannels)) {
			for (String configured : triggerChannels) {
				if (!listened.equals(configured) && !listenedChannels.contains(configured)
						&& listened.toLowerCase(Locale.ROOT).equals(configured.toLowerCase(Locale.ROOT))) {
					warnings.add("Pigeon: a @PigeonListener listens on channel '" + listened
							+ "', but the configured triggers notify '" + configured + "'. Channels are "
							+ "case-sensitive, so it never receives them: use the same spelling in both places.");
				}
			}
		}
		return warnings;
	}

	private static @Nullable String overlap(TriggerConfiguration.Trigger first, TriggerConfiguration.Trigger second) {
		TriggerDefinition a = first.definition();
		TriggerDefinition b = second.definition();
		if (!a.schema().equals(b.schema()) || !a.table().equals(b.table()) || !a.channel().equals(b.channel())) {
			return null;
		}
		Set<PigeonAction> common = new TreeSet<>(a.events());
		common.retainAll(b.events());
		if (common.isEmpty()) {
			return null;
		}
		boolean beforeAndAfter = a.timing() != b.timing()
				&& EnumSet.of(TriggerTiming.BEFORE, TriggerTiming.AFTER).containsAll(List.of(a.timing(), b.timing()));
		return "Pigeon: " + first.path() + " and " + second.path() + " both notify channel '" + a.channel()
				+ "' for " + common + " on \"" + a.schema() + "\".\"" + a.table() + "\": each such change is "
				+ "notified twice. "
				+ (beforeAndAfter ? "A before/after pair shows attempted and written changes; if that is the "
						+ "intent, tell them apart by listening on separate channels."
						: "Give one of them another channel or other events.");
	}

}
