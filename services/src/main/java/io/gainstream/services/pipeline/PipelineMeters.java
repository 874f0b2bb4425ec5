package io.gainstream.services.pipeline;

import io.gainstream.services.http.HttpEndpoint;
import io.gainstream.topology.PipelineMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The pipeline's {@code /metrics}: one Micrometer registry in Prometheus' text format with the
 * processors' counters under their established names ({@code gainstream_images_in_total}, …),
 * labelling latency and model time as histograms, Kafka Streams' own metrics (threads, tasks,
 * processor nodes, state stores, the embedded clients) and the JVM's.
 *
 * <p>Why a registry and not the counters alone: a mean hides the slow labels, and Kafka Streams
 * already measures poll, process, commit and punctuate per thread; the binder exposes them all.
 */
final class PipelineMeters implements AutoCloseable {
  /** Prometheus' text exposition format, which every scraper reads. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final PipelineMetrics metrics;
  private final KafkaStreamsMetrics streamsMetrics;
  private final JvmGcMetrics gc = new JvmGcMetrics();

  PipelineMeters(PipelineMetrics metrics, KafkaStreams streams) {
    this.metrics = metrics;
    counter(
        "gainstream.images.in",
        "Image events read from the images topic.",
        m -> m.snapshot().imagesIn());
    counter(
        "gainstream.images.attended",
        "Images run through the model.",
        m -> m.snapshot().attended());
    counter("gainstream.labels", "Proxy labels written.", m -> m.snapshot().labelled());
    counter(
        "gainstream.batches", "Micro-batches run through the model.", m -> m.snapshot().batches());
    counter(
        "gainstream.inference.seconds",
        "Time in ONNX Runtime (gainstream_batch_inference_seconds has its distribution).",
        m -> m.snapshot().inferenceNanos() / 1e9);
    counter(
        "gainstream.attention.stage.seconds",
        "Busy time of the attention stage, model included.",
        m -> m.snapshot().stageNanos() / 1e9);
    counter(
        "gainstream.threshold.seconds",
        "Time turning attention maps into labels and PNGs.",
        m -> m.snapshot().thresholdNanos() / 1e9);
    counter(
        "gainstream.relabelled",
        "Images labelled again because a newer release was promoted.",
        PipelineMetrics::relabelledTotal);
    Gauge.builder("gainstream.model.version", metrics, m -> m.snapshot().modelVersion())
        .description("Newest model release in use (-1 before the first).")
        .register(registry);
    Gauge.builder("gainstream.relabel.backlog", metrics, PipelineMetrics::relabelBacklog)
        .description(
            "Labelled images whose newest label is an older release's, still to be re-labelled.")
        .register(registry);
    Gauge.builder(
            "gainstream.stream.threads.alive", streams, s -> s.metadataForLocalThreads().size())
        .description("Kafka Streams threads of this instance.")
        .register(registry);
    Timer latency =
        Timer.builder("gainstream.label.latency")
            .description("From an image's publication to its first label (re-labels not counted).")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(10))
            .maximumExpectedValue(Duration.ofMinutes(30))
            .register(registry);
    Timer batch =
        Timer.builder("gainstream.batch.inference")
            .description("Time in the model per micro-batch.")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(5))
            .register(registry);
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
    streamsMetrics.bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  private void counter(String name, String help, ToDoubleFunction<PipelineMetrics> f) {
    FunctionCounter.builder(name, metrics, f).description(help).register(registry);
  }

  /** Everything, in Prometheus' text format. */
  HttpEndpoint.Body scrape() {
    // one series per dead-letter reason and batch size seen so far (registering twice is a no-op)
    PipelineMetrics.Snapshot s = metrics.snapshot();
    for (String reason : s.deadLetters().keySet()) {
      FunctionCounter.builder(
              "gainstream.dead.letters",
              metrics,
              m -> m.snapshot().deadLetters().getOrDefault(reason, 0L))
          .description("Records dead-lettered by this instance's processors, by reason.")
          .tag("reason", reason)
          .register(registry);
    }
    for (Integer size : s.batchSizes().keySet()) {
      FunctionCounter.builder(
              "gainstream.batches.by.size",
              metrics,
              m -> m.snapshot().batchSizes().getOrDefault(size, 0L))
          .description("Micro-batches by size.")
          .tag("size", Integer.toString(size))
          .register(registry);
    }
    return new HttpEndpoint.Body(CONTENT_TYPE, registry.scrape().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    metrics.timings(PipelineMetrics.Timings.NONE);
    streamsMetrics.close();
    gc.close();
    registry.close();
  }
}
