package io.pigeon.sample;

import java.math.BigDecimal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
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
 * <p>
 * The bean always exists and reads the property when it runs, rather than being conditional on
 * it: an application built with AOT processing evaluates bean conditions at build time, where
 * the property is not set, yet {@code java -Dspring.aot.enabled=true -jar … --pigeon.sample.demo=true}
 * must run the demo.
 */
@Component
public class DemoWrites {

	private static final Logger logger = LoggerFactory.getLogger(DemoWrites.class);

	private final ItemRepository items;

	private final boolean enabled;

	public DemoWrites(ItemRepository items, @Value("${pigeon.sample.demo:false}") boolean enabled) {
		this.items = items;
		this.enabled = enabled;
	}

	@EventListener(ApplicationReadyEvent.class)
	public void write() {
		if (!this.enabled) {
			return;
		}
		logger.info("Demo: inserting an item, changing its price and deleting it; Pigeon's events follow");
		Item item = this.items.insert("Bird seed", new BigDecimal("4.25"), "demo");
		this.items.update(item.itemNo(), item.description(), new BigDecimal("5.75"));
		this.items.delete(item.itemNo());
	}

}
