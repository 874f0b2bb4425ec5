package io.gainstream.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.gainstream.proto.v1.ImageEvent;
import io.gainstream.proto.v1.ModelRelease;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.kafka.TopicSetup;
import io.gainstream.services.pipeline.PipelineService;
import io.gainstream.topology.PipelineConfig;
import io.gainstream.topology.PipelineMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One run of the real pipeline against the broker, on topics of its own: a release is published,
 * the pipeline started and warmed up, then {@code n} images are published, as fast as the producer
 * goes or at a steady rate, while the proxy labels are read back (read_committed). Gives end-to-end
 * images/s, per-image latency (label committed − image published), the attention stage's images/s
 * of busy time, and how many images were lost or labelled twice.
 */
final class StreamRun {
  /**
   * @param latencies per labelled image, nanoseconds from publication to the committed label
   *     (millisecond resolution: record timestamps)
   */
  record Result(
      int labelled,
      int lost,
      int doubled,
      double imagesPerSecond,
      double stageImagesPerSecond,
      long[] latencies) {}

  private final KafkaConnection kafka;
  private final Path work;
  private final Subject subject;
  private final int batch;
  private final int threads;
  private final int ortThreads;

  StreamRun(
      KafkaConnection kafka, Path work, Subject subject, int batch, int threads, int ortThreads) {
    this.kafka = kafka;
    this.work = work;
    this.subject = subject;
    this.batch = batch;
    this.threads = threads;
    this.ortThreads = ortThreads;
  }

  /** Publishes as fast as the producer goes: throughput, and latency under saturation. */
  Result run(int n) throws InterruptedException {
    return run(n, 0);
  }

  /**
   * @param ratePerSecond images published per second, evenly spaced (0: as fast as the producer
   *     goes). Below capacity, latency is what one image waits, not the queue in front of it.
   */
  Result run(int n, double ratePerSecond) throws InterruptedException {
    String run = UUID.randomUUID().toString().substring(0, 8);
    PipelineConfig config = Subject.config(run, subject, batch, ortThreads);
    TopicSetup.ensure(kafka, config, Math.max(2, threads));
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.consumer(null))) {
      send(
          producer,
          new ProducerRecord<>(
              config.modelsTopic(), config.modelName(), release(config).toByteArray()));
      List<TopicPartition> parts =
          consumer.partitionsFor(config.proxyLabelsTopic(), Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      try (PipelineService pipeline =
          new PipelineService(
                  kafka,
                  config,
                  new PipelineService.Options(
                      "bench-" + run, work.resolve("state-" + run), threads))
              .start(Duration.ofMinutes(2))) {
        // warm-up: the JIT compiles the Kafka and labelling paths before the clock starts
        int warm =
            subject.spec().inputSize() > 128 ? Math.max(2 * batch, 16) : Math.max(2 * batch, 300);
        publish(producer, config.imagesTopic(), "warm-", warm, 0);
        collect(consumer, "warm-", warm, null);
        PipelineMetrics.Snapshot m0 = pipeline.metrics().snapshot();
        long t0 = System.nanoTime();

        Thread publisher =
            new Thread(
                () -> publish(producer, config.imagesTopic(), "img-", n, ratePerSecond),
                "bench-publisher");
        publisher.start();
        Counts counts = new Counts(n);
        collect(consumer, "img-", n, counts);
        double seconds = (counts.lastNanos - t0) / 1e9;
        publisher.join();
        PipelineMetrics.Snapshot m1 = pipeline.metrics().snapshot();
        double busy = (m1.stageNanos() - m0.stageNanos()) / 1e9 / threads;
        double stage = (m1.attended() - m0.attended()) / busy;
        return new Result(
            counts.labelled,
            n - counts.labelled,
            counts.doubled,
            counts.labelled / seconds,
            stage,
            Arrays.copyOf(counts.latencies, counts.labelled));
      }
    }
  }

  private ModelRelease release(PipelineConfig config) {
    return ModelRelease.newBuilder()
        .setName(config.modelName())
        .setVersion(1)
        .setOnnx(ByteString.copyFrom(subject.onnx()))
        .addAllClasses(subject.classNames())
        .setInputHeight(subject.spec().inputSize())
        .setInputWidth(subject.spec().inputSize())
        .setMethod("cam")
        .build();
  }

  /**
   * Publishes {@code n} images with ids {@code prefix + i}, cycling through the subject's images,
   * image i at {@code i / ratePerSecond} seconds after the first (all at once when 0).
   *
   * <p>Image i goes to partition {@code i mod partitions}, not to its key's hash. The run measures
   * the pipeline's capacity, and a finite set split by hash is uneven: the 256 timed ids split
   * 141/115 over two partitions, so one stream thread would idle through the last tenth of the run
   * whatever the pipeline costs. A long-running stream evens the hash out; a 256-image run does
   * not. Nothing in the pipeline depends on which partition an id lands in (its buffer is per
   * task).
   */
  private void publish(
      KafkaProducer<String, byte[]> producer,
      String topic,
      String prefix,
      int n,
      double ratePerSecond) {
    List<byte[]> encoded = subject.encoded();
    List<String> names = subject.classNames();
    int partitions = producer.partitionsFor(topic).size();
    String mediaType = "jpeg".equals(subject.format()) ? "image/jpeg" : "image/png";
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      if (ratePerSecond > 0) {
        long due = start + (long) (i * 1e9 / ratePerSecond);
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
          LockSupport.parkNanos(wait);
        }
      }
      int j = i % encoded.size();
      ImageEvent.Builder e =
          ImageEvent.newBuilder()
              .setId(prefix + i)
              .setImage(UnsafeByteOperations.unsafeWrap(encoded.get(j)))
              .setMediaType(mediaType)
              .setSource("bench");
      for (int k : subject.classes().get(j)) {
        e.addLabels(names.get(k - 1));
      }
      producer.send(
          new ProducerRecord<>(
              topic,
              i % partitions,
              System.currentTimeMillis(),
              prefix + i,
              e.build().toByteArray()));
    }
    producer.flush();
  }

  /** What came back of the timed images. */
  private static final class Counts {
    final boolean[] seen;
    final long[] latencies;
    int labelled;
    int doubled;
    long lastNanos;

    Counts(int n) {
      seen = new boolean[n];
      latencies = new long[n];
    }
  }

  /** Reads labels until every id {@code prefix + 0..n−1} has one; fails after 10 idle minutes. */
  private static void collect(
      KafkaConsumer<String, byte[]> consumer, String prefix, int n, Counts counts) {
    Map<String, Boolean> warm = counts == null ? new HashMap<>() : null;
    long idleSince = System.nanoTime();
    int got = 0;
    while (got < n) {
      boolean any = false;
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        if (r.key() == null || !r.key().startsWith(prefix)) {
          continue;
        }
        any = true;
        if (counts == null) {
          if (warm.put(r.key(), true) == null) {
            got++;
          }
          continue;
        }
        int i = Integer.parseInt(r.key().substring(prefix.length()));
        if (counts.seen[i]) {
          counts.doubled++;
          continue;
        }
        counts.seen[i] = true;
        counts.latencies[counts.labelled++] =
            (System.currentTimeMillis() - r.timestamp()) * 1_000_000L;
        counts.lastNanos = System.nanoTime();
        got++;
      }
      if (counts != null && got >= n) {
        // a second label for an image would come right behind the first: keep looking a moment
        long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (System.nanoTime() < until) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            if (r.key() != null && r.key().startsWith(prefix)) {
              counts.doubled++;
            }
          }
        }
      }
      if (any) {
        idleSince = System.nanoTime();
      } else if (System.nanoTime() - idleSince > Duration.ofMinutes(10).toNanos()) {
        return;
      }
    }
  }

  private static void send(
      KafkaProducer<String, byte[]> producer, ProducerRecord<String, byte[]> record) {
    try {
      producer.send(record).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot publish to " + record.topic() + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
