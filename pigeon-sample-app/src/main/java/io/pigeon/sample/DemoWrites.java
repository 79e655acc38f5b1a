package io.pigeon.sample;

import java.math.BigDecimal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * With {@code --pigeon.sample.demo=true}, inserts, updates and deletes an item once the
 * application is ready, so that the log shows the three events without any clicking.
 * <p>
 * {@link ApplicationReadyEvent} comes after every {@code ApplicationRunner}, Pigeon's installer
 * included, and after the listener has started: the triggers exist and the channels are
 * listened to.
 */
@Component
@ConditionalOnBooleanProperty("pigeon.sample.demo")
public class DemoWrites {

	private static final Logger logger = LoggerFactory.getLogger(DemoWrites.class);

	private final ItemRepository items;

	public DemoWrites(ItemRepository items) {
		this.items = items;
	}

	@EventListener(ApplicationReadyEvent.class)
	public void write() {
		logger.info("Demo: inserting an item, changing its price and deleting it; Pigeon's events follow");
		Item item = this.items.insert("Bird seed", new BigDecimal("4.25"), "demo");
		this.items.update(item.itemNo(), item.description(), new BigDecimal("5.75"));
		this.items.delete(item.itemNo());
	}

}
