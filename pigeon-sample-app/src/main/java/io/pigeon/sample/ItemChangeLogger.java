package io.pigeon.sample;

import java.util.Map;

import io.pigeon.PigeonEvent;
import io.pigeon.PigeonListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Logs every change to the {@code items} table in one line, for example
 * {@code INSERT on pigeon_sample.items: {item_no=1, item_description=Bird seed, price=4.25, …}}.
 */
@Component
public class ItemChangeLogger {

	private static final Logger logger = LoggerFactory.getLogger(ItemChangeLogger.class);

	@PigeonListener(channel = "items")
	public void onChange(PigeonEvent<Map<String, Object>> event) {
		logger.info("{} on {}.{}: {}", event.action(), event.schema(), event.table(), event.data());
	}

}
