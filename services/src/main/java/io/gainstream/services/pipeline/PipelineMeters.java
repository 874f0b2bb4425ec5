package io.gainstream.services.pipeline;

import io.gainstream.services.http.HttpEndpoint;
import io.gainstream.services.http.Meters;
import io.gainstream.topology.PipelineMetrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The pipeline's {@code /metrics}: the processors' counters under their established names ({@code
 * gainstream_images_in_total}, …), labelling latency and model time as histograms, Kafka Streams'
 * own metrics (threads, tasks, processor nodes, state stores, the embedded clients) and the JVM's.
 *
 * <p>Why histograms and the binder: a mean hides the slow labels, and Kafka Streams already
 * measures poll, process, commit and punctuate per thread.
 */
final class PipelineMeters implements AutoCloseable {
  private final Meters meters = new Meters();
  private final PipelineMetrics metrics;
  private final KafkaStreamsMetrics streamsMetrics;

  PipelineMeters(PipelineMetrics metrics, KafkaStreams streams) {
    this.metrics = metrics;
    meters
        .counter(
            "gainstream.images.in",
            "Image events read from the images topic.",
            () -> metrics.snapshot().imagesIn())
        .counter(
            "gainstream.images.attended",
            "Images run through the model.",
            () -> metrics.snapshot().attended())
        .counter("gainstream.labels", "Proxy labels written.", () -> metrics.snapshot().labelled())
        .counter(
            "gainstream.batches",
            "Micro-batches run through the model.",
            () -> metrics.snapshot().batches())
        .counter(
            "gainstream.inference.seconds",
            "Time in ONNX Runtime (gainstream_batch_inference_seconds has its distribution).",
            () -> metrics.snapshot().inferenceNanos() / 1e9)
        .counter(
            "gainstream.attention.stage.seconds",
            "Busy time of the attention stage, model included.",
            () -> metrics.snapshot().stageNanos() / 1e9)
        .counter(
            "gainstream.threshold.seconds",
            "Time turning attention maps into labels and PNGs.",
            () -> metrics.snapshot().thresholdNanos() / 1e9)
        .counter(
            "gainstream.relabelled",
            "Images labelled again because a newer release was promoted.",
            metrics::relabelledTotal)
        .gauge(
            "gainstream.model.version",
            "Newest model release in use (-1 before the first).",
            () -> metrics.snapshot().modelVersion())
        .gauge(
            "gainstream.relabel.backlog",
            "Labelled images whose newest label is an older release's, still to be re-labelled.",
            metrics::relabelBacklog)
        .gauge(
            "gainstream.stream.threads.alive",
            "Kafka Streams threads of this instance.",
            () -> streams.metadataForLocalThreads().size());
    Timer latency =
        Timer.builder("gainstream.label.latency")
            .description("From an image's publication to its first label (re-labels not counted).")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(10))
            .maximumExpectedValue(Duration.ofMinutes(30))
            .register(meters.registry());
    Timer batch =
        Timer.builder("gainstream.batch.inference")
            .description("Time in the model per micro-batch.")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(5))
            .register(meters.registry());
    metrics.timings(
        new PipelineMetrics.Timings() {
          @Override
          public void labelLatency(long millis) {
            latency.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
          }

          @Override
          public void batchInference(int images, long nanos) {
            batch.record(nanos, TimeUnit.NANOSECONDS);
          }
        });
    streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(meters.registry());
  }

  /** Everything, in Prometheus' text format. */
  HttpEndpoint.Body scrape() {
    // one series per dead-letter reason and batch size seen so far
    PipelineMetrics.Snapshot s = metrics.snapshot();
    for (String reason : s.deadLetters().keySet()) {
      meters.counter(
          "gainstream.dead.letters",
          "Records dead-lettered by this instance's processors, by reason.",
          () -> metrics.snapshot().deadLetters().getOrDefault(reason, 0L),
          "reason",
          reason);
    }
    for (Integer size : s.batchSizes().keySet()) {
      meters.counter(
          "gainstream.batches.by.size",
          "Micro-batches by size.",
          () -> metrics.snapshot().batchSizes().getOrDefault(size, 0L),
          "size",
          Integer.toString(size));
    }
    return meters.scrape();
  }

  @Override
  public void close() {
    metrics.timings(PipelineMetrics.Timings.NONE);
    streamsMetrics.close();
    meters.close();
  }
}
