package io.gainstream.services.pipeline;

import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.topology.PipelineConfig;
import io.gainstream.topology.PipelineTopology;
import io.gainstream.topology.StreamsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the labelling topology on Kafka Streams. More instances with the same application id (on
 * this or other machines) share the partitions of the images topic; that is the whole scale-out
 * story, and it is Kafka's.
 */
public final class PipelineService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineService.class);

  /**
   * @param applicationId Kafka Streams application id (group of cooperating instances)
   * @param stateDir local state (RocksDB buffer stores)
   * @param streamThreads stream threads in this process
   */
  public record Options(String applicationId, Path stateDir, int streamThreads) {}

  private final KafkaStreams streams;

  public PipelineService(KafkaConnection kafka, PipelineConfig config, Options options) {
    Properties props = new Properties();
    props.putAll(kafka.common());
    props.putAll(StreamsSettings.pipeline(config));
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, options.applicationId());
    props.put(StreamsConfig.STATE_DIR_CONFIG, options.stateDir().toString());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, options.streamThreads());
    this.streams = new KafkaStreams(PipelineTopology.build(config), props);
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.error("stream thread failed; replacing it (its tasks restart from the last commit)", e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
  }

  /** Starts and waits until the instance is running. */
  public PipelineService start(Duration timeout) {
    CountDownLatch running = new CountDownLatch(1);
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.RUNNING) {
            running.countDown();
          }
        });
    streams.start();
    try {
      if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("pipeline did not reach RUNNING within " + timeout + " (state " + streams.state() + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the pipeline", e);
    }
    LOG.info("pipeline running");
    return this;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
  }
}
