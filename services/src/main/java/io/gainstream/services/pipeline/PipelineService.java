package io.gainstream.services.pipeline;

import io.gainstream.services.http.HttpEndpoint;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.kafka.Replication;
import io.gainstream.services.kafka.TopicSetup;
import io.gainstream.topology.PipelineConfig;
import io.gainstream.topology.PipelineMetrics;
import io.gainstream.topology.PipelineTopology;
import io.gainstream.topology.StreamsSettings;
import io.gainstream.topology.errors.TransactionTooShortException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
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
  private final PipelineMetrics metrics = new PipelineMetrics();
  private final String imagesTopic;
  private static final Logger LOG = LoggerFactory.getLogger(PipelineService.class);

  /**
   * @param applicationId Kafka Streams application id (group of cooperating instances)
   * @param stateDir local state (RocksDB buffer stores)
   * @param streamThreads stream threads in this process
   */
  public record Options(String applicationId, Path stateDir, int streamThreads) {}

  private final KafkaStreams streams;
  private final PipelineMeters meters;
  private volatile String failure;

  public PipelineService(KafkaConnection kafka, PipelineConfig requested, Options options) {
    PipelineConfig config = splitThreads(requested, options.streamThreads());
    this.imagesTopic = config.imagesTopic();
    Properties props =
        streamsProperties(kafka, config, options, TopicSetup.replication(kafka, config));
    this.streams = new KafkaStreams(PipelineTopology.build(config, metrics), props);
    this.meters = new PipelineMeters(metrics, streams);
    streams.setUncaughtExceptionHandler(
        e -> {
          var tooShort = TransactionTooShortException.in(e);
          if (tooShort != null) {
            // a replaced thread would run the same image into the same timeout forever
            failure = tooShort.getMessage();
            LOG.error("pipeline stopped: {}", failure);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
          }
          LOG.error(
              "stream thread failed; replacing it (its tasks restart from the last commit)", e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
  }

  /** Why the pipeline stopped itself (one line), if it did. */
  public Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  /** One line on what the labelling stage is doing, for a run whose labels stopped coming. */
  public String activity() {
    return "pipeline " + streams.state() + ": " + metrics.activity();
  }

  /**
   * Everything Kafka Streams is given: the client properties of the connection (security settings
   * included, so every client Streams creates gets them), the pipeline's guarantees, the
   * replication of its internal topics (as the pipeline's own), and this instance's id, state
   * directory and threads.
   */
  public static Properties streamsProperties(
      KafkaConnection kafka, PipelineConfig config, Options options, Replication replication) {
    Properties props = new Properties();
    props.putAll(kafka.common());
    props.putAll(StreamsSettings.pipeline(config));
    props.putAll(replication.streamsConfig());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, options.applicationId());
    props.put(StreamsConfig.STATE_DIR_CONFIG, options.stateDir().toString());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, options.streamThreads());
    return props;
  }

  /**
   * Stream threads and ONNX Runtime threads share the cores: unless set, each session gets {@code
   * cores / stream threads} intra-op threads (1 with a thread per core). Measured on 2 cores, two
   * stream threads with single-threaded sessions label faster than one stream thread with a
   * two-threaded session, because decoding, thresholds and PNG encoding then run in parallel too
   * (docs/PERFORMANCE.md).
   */
  static PipelineConfig splitThreads(PipelineConfig c, int streamThreads) {
    if (c.getInt(PipelineConfig.ORT_INTRA_THREADS_CONFIG) != 0) {
      return c;
    }
    Map<String, Object> m = new HashMap<>(c.originals());
    m.put(
        PipelineConfig.ORT_INTRA_THREADS_CONFIG,
        Math.max(1, Runtime.getRuntime().availableProcessors() / streamThreads));
    return new PipelineConfig(m);
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
        throw new IllegalStateException(
            "pipeline did not reach RUNNING within "
                + timeout
                + " (state "
                + streams.state()
                + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the pipeline", e);
    }
    LOG.info("pipeline running");
    return this;
  }

  /** Counters of this instance's processors. */
  public PipelineMetrics metrics() {
    return metrics;
  }

  /**
   * Kafka Streams' own thread-level time split (share of wall time spent polling, processing,
   * punctuating and committing, averaged over the stream threads): where a slow pipeline waits.
   */
  public Map<String, Double> timeSplit() {
    Map<String, double[]> sums = new TreeMap<>();
    streams
        .metrics()
        .forEach(
            (name, metric) -> {
              if (name.group().equals("stream-thread-metrics")
                  && name.name().endsWith("-ratio")
                  && metric.metricValue() instanceof Double d
                  && !d.isNaN()) {
                double[] a = sums.computeIfAbsent(name.name(), k -> new double[2]);
                a[0] += d;
                a[1]++;
              }
            });
    Map<String, Double> out = new TreeMap<>();
    sums.forEach((k, v) -> out.put(k, v[0] / v[1]));
    return out;
  }

  /**
   * This instance's metrics in Prometheus' text format (the {@code /metrics} endpoint): the
   * processors' counters, latency histograms, Kafka Streams' and the JVM's metrics.
   */
  public HttpEndpoint.Body prometheus() {
    return meters.scrape();
  }

  /** Partitions of the images topic this instance's threads hold as active tasks. */
  public int assignedPartitions() {
    return streams.metadataForLocalThreads().stream()
        .flatMap(t -> t.activeTasks().stream())
        .mapToInt(
            task ->
                (int)
                    task.topicPartitions().stream()
                        .filter(tp -> tp.topic().equals(imagesTopic))
                        .count())
        .sum();
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
    meters.close();
  }
}
