package io.pigeon.internal.listener.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

import io.pigeon.PigeonNotificationsDroppedEvent;
import io.pigeon.internal.listener.notify.DroppedNotificationsReporter.ChannelDrops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.Trigger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DroppedNotificationsReporter} with a scheduler that runs its tasks when the test says so:
 * drops are counted on the calling thread, reported once per delay with the count since the
 * previous report, and warned about at most once a minute.
 */
@ExtendWith(OutputCaptureExtension.class)
class DroppedNotificationsReporterTests {

	private static final String WARNING = "Pigeon dropped ";

	private final ManualScheduler scheduler = new ManualScheduler();

	private final List<Object> events = new ArrayList<>();

	private final Object source = new Object();

	private final DroppedNotificationsReporter reporter = new DroppedNotificationsReporter(this.scheduler,
			this.events::add, this.source, 10);

	@Test
	void dropsAreCountedUntilTheScheduledReport() {
		ChannelDrops drops = this.reporter.forChannel("items");
		Instant before = Instant.now();
		drops.dropped();
		drops.dropped();
		drops.dropped();
		assertThat(this.events).isEmpty();
		assertThat(this.scheduler.tasks).singleElement()
			.satisfies((task) -> assertThat(task.at())
				.isAfterOrEqualTo(before.plus(DroppedNotificationsReporter.REPORT_DELAY)));
		this.scheduler.runAll();
		assertThat(this.events).singleElement().isInstanceOfSatisfying(PigeonNotificationsDroppedEvent.class,
				(event) -> {
					assertThat(event.getChannel()).isEqualTo("items");
					assertThat(event.getCount()).isEqualTo(3);
					assertThat(event.getSource()).isSameAs(this.source);
				});
	}

	@Test
	void eachReportCarriesTheCountSinceThePreviousOne() {
		ChannelDrops drops = this.reporter.forChannel("items");
		drops.dropped();
		this.scheduler.runAll();
		drops.dropped();
		drops.dropped();
		assertThat(this.scheduler.tasks).hasSize(1);
		this.scheduler.runAll();
		assertThat(this.events).extracting((event) -> ((PigeonNotificationsDroppedEvent) event).getCount())
			.containsExactly(1L, 2L);
	}

	@Test
	void channelsAreReportedSeparately() {
		this.reporter.forChannel("items").dropped();
		this.reporter.forChannel("orders").dropped();
		assertThat(this.scheduler.tasks).hasSize(2);
		this.scheduler.runAll();
		assertThat(this.events).extracting((event) -> ((PigeonNotificationsDroppedEvent) event).getChannel())
			.containsExactlyInAnyOrder("items", "orders");
	}

	@Test
	void warnsOnceAMinuteAtMostNamingTheBuffer(CapturedOutput output) {
		ChannelDrops drops = this.reporter.forChannel("items");
		drops.dropped();
		this.scheduler.runAll();
		drops.dropped();
		this.scheduler.runAll();
		assertThat(output.getOut().split(WARNING, -1)).hasSize(2);
		assertThat(output.getOut()).contains("Pigeon dropped 1 notification(s) on channel 'items'")
			.contains("its buffer of 10 (pigeon.listener.queue-capacity) was full");
		assertThat(this.events).hasSize(2);
	}

	@Test
	void dropsWhileShuttingDownAreCountedWithoutFailing() {
		DroppedNotificationsReporter reporter = new DroppedNotificationsReporter(new ManualScheduler() {

			@Override
			public ScheduledFuture<?> schedule(Runnable task, Instant startTime) {
				throw new TaskRejectedException("shut down");
			}

		}, this.events::add, this.source, 10);
		ChannelDrops drops = reporter.forChannel("items");
		drops.dropped();
		drops.dropped();
		assertThat(this.events).isEmpty();
	}

	record ScheduledTask(Runnable task, Instant at) {
	}

	/**
	 * Keeps one-off tasks until {@link #runAll()}; the reporter schedules nothing else.
	 */
	static class ManualScheduler implements TaskScheduler {

		final List<ScheduledTask> tasks = new ArrayList<>();

		void runAll() {
			List<ScheduledTask> due = List.copyOf(this.tasks);
			this.tasks.clear();
			due.forEach((scheduled) -> scheduled.task().run());
		}

		@Override
		public ScheduledFuture<?> schedule(Runnable task, Instant startTime) {
			this.tasks.add(new ScheduledTask(task, startTime));
			return null;
		}

		@Override
		public ScheduledFuture<?> schedule(Runnable task, Trigger trigger) {
			throw new UnsupportedOperationException();
		}

		@Override
		public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Instant startTime, Duration period) {
			throw new UnsupportedOperationException();
		}

		@Override
		public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Duration period) {
			throw new UnsupportedOperationException();
		}

		@Override
		public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Instant startTime, Duration delay) {
			throw new UnsupportedOperationException();
		}

		@Override
		public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Duration delay) {
			throw new UnsupportedOperationException();
		}

	}

}
