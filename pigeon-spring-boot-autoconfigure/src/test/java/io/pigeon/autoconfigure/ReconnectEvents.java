package io.pigeon.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.pigeon.PigeonListenerReconnectedEvent;

import org.springframework.context.ApplicationListener;

/**
 * Records the {@link PigeonListenerReconnectedEvent}s an application receives.
 */
class ReconnectEvents implements ApplicationListener<PigeonListenerReconnectedEvent> {

	final List<PigeonListenerReconnectedEvent> events = new CopyOnWriteArrayList<>();

	@Override
	public void onApplicationEvent(PigeonListenerReconnectedEvent event) {
		this.events.add(event);
	}

	int count() {
		return this.events.size();
	}

}
