package io.pigeon.autoconfigure;

import io.pigeon.PigeonListener;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The test application with one listener that records every payload of channel
 * {@value #CHANNEL} under the channel's name.
 */
@Configuration(proxyBeanMethods = false)
@Import(ListenerTestApplication.class)
class RecordingListenerApplication {

	static final String CHANNEL = "recorded";

	@Bean
	RecordingListener recordingListener(Recorder recorder) {
		return new RecordingListener(recorder);
	}

	static class RecordingListener {

		private final Recorder recorder;

		RecordingListener(Recorder recorder) {
			this.recorder = recorder;
		}

		@PigeonListener(channel = CHANNEL)
		void onChange(String channel, String payload) {
			this.recorder.record(channel, payload);
		}

	}

}
