package io.pigeon.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application that shows Pigeon's events: every change to the {@code items} table
 * is logged and pushed to the page at {@code /}.
 */
@SpringBootApplication
public class PigeonSampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(PigeonSampleApplication.class, args);
	}

}
