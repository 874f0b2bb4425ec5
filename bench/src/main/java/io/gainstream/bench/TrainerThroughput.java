package io.gainstream.bench;

import com.google.protobuf.ByteString;
import io.gainstream.model.image.ImageBytes;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.model.train.Batches;
import io.gainstream.model.train.CollapseGuard;
import io.gainstream.model.train.Example;
import io.gainstream.model.train.GainSettings;
import io.gainstream.model.train.GainTrainer;
import io.gainstream.model.train.Method;
import io.gainstream.model.train.ReleaseGate;
import io.gainstream.proto.v1.ImageEvent;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.kafka.TopicSetup;
import io.gainstream.services.trainer.Checkpoints;
import io.gainstream.services.trainer.TrainerOptions;
import io.gainstream.services.trainer.TrainerService;
import io.gainstream.topology.PipelineConfig;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Trainer steps/s fed from Kafka (the trainer service: samples consumed from the topic into its
 * replay buffer while more keep arriving) versus fed from memory (the same trainer stepping on an
 * in-memory list), with the same network, method, batch size and step count. The two sides take
 * turns going first, and the first steps of each are not timed, so neither JIT compilation of the
 * Kafka paths nor a process's drift over minutes lands on one side only.
 */
final class TrainerThroughput {
  private static final int SAMPLES = 256;
  private static final int STEPS = 150;

  /**
   * Steps not timed: the first steps of a fresh trainer, and JIT compilation of the Kafka paths.
   */
  private static final int SKIP = 25;

  /** Samples arriving per second while the trainer trains: a 10 % sample of 300 images/s. */
  private static final int ARRIVALS_PER_SECOND = Integer.getInteger("bench.arrivals", 30);

  private static final int STREAMS_LINGER_MS = 100;

  /** A typical PASCAL VOC photo. */
  private static final int PHOTO_WIDTH = 500;

  private static final int PHOTO_HEIGHT = 375;

  private final KafkaConnection kafka;
  private final Path work;
  private final PrintStream out;
  private final int repeats;
  private final Runnable step;

  TrainerThroughput(KafkaConnection kafka, Path work, PrintStream out, int repeats, Runnable step) {
    this.step = step;
    this.kafka = kafka;
    this.work = work;
    this.out = out;
    this.repeats = repeats;
  }

  void run() throws InterruptedException {
    NetworkSpec spec = NetworkSpec.defaults(4);
    GainSettings settings = GainSettings.defaults(Method.GAIN).withWarmup(0, 0f).withSeed(3);
    List<SyntheticDataset.Sample> samples =
        SyntheticDataset.generate(
            new SyntheticDataset.Spec(4, spec.inputSize(), SAMPLES, 0.35, false, 0.9, 8));
    Subject subject = Subject.of("trainer", spec, spec.inputSize(), 0);
    List<String> names = SyntheticDataset.classNames(spec.numClasses());
    // the same samples as the pipeline would copy them: at the model's input size, and at the size
    // of a PASCAL VOC photo, whose decoding costs far more
    List<ImageEvent> small =
        samples.stream()
            .map(s -> sample(s, names, spec.inputSize(), spec.inputSize(), "png"))
            .toList();
    List<ImageEvent> photos =
        samples.stream().map(s -> sample(s, names, PHOTO_WIDTH, PHOTO_HEIGHT, "jpeg")).toList();
    double[][] runs = new double[3][repeats];
    for (int r = 0; r < repeats; r++) {
      // the order rotates: a process's speed drifts over minutes, and a fixed order would hand
      // that drift to one side
      for (int j = 0; j < 3; j++) {
        int side = (r + j) % 3;
        runs[side][r] =
            switch (side) {
              case 0 -> memoryInFreshThread(spec, settings, samples);
              case 1 -> fromKafka(spec, settings, small, subject);
              default -> fromKafka(spec, settings, photos, subject);
            };
      }
      step.run();
    }
    double m = ThroughputCells.median(runs[0]);
    double k = ThroughputCells.median(runs[1]);
    double p = ThroughputCells.median(runs[2]);
    out.printf(
        "### Trainer (%s, batch %d, %d steps timed after %d, %dx%d input; Kafka-fed: %d samples/s arriving)%n%n",
        settings.method().id(),
        settings.batchSize(),
        STEPS - SKIP,
        SKIP,
        spec.inputSize(),
        spec.inputSize(),
        ARRIVALS_PER_SECOND);
    out.println("| fed from | steps/s | ratio |");
    out.println("|---|---:|---:|");
    out.printf("| memory | %.1f | 1.00 |%n", m);
    out.printf(
        "| Kafka (trainer service), %dx%d PNG samples | %.1f | %.2f |%n",
        spec.inputSize(), spec.inputSize(), k, k / m);
    out.printf(
        "| Kafka (trainer service), %dx%d JPEG samples | %.1f | %.2f |%n%n",
        PHOTO_WIDTH, PHOTO_HEIGHT, p, p / m);
    out.printf(
        "Single runs, steps/s: memory %s; Kafka PNG %s; Kafka JPEG %s.%n%n",
        runs(runs[0]), runs(runs[1]), runs(runs[2]));
  }

  private static String runs(double[] v) {
    return Arrays.stream(v)
        .mapToObj(x -> String.format("%.1f", x))
        .collect(Collectors.joining(", "));
  }

  /**
   * Each side trains in a fresh thread, as the trainer service does (PyTorch keeps per-thread
   * worker pools, so a thread's first run and a long-lived thread's runs differ).
   */
  private static double memoryInFreshThread(
      NetworkSpec spec, GainSettings settings, List<SyntheticDataset.Sample> samples)
      throws InterruptedException {
    double[] m = new double[1];
    Thread t = new Thread(() -> m[0] = fromMemory(spec, settings, samples), "bench-memory-trainer");
    t.start();
    t.join();
    return m[0];
  }

  private static double fromMemory(
      NetworkSpec spec, GainSettings settings, List<SyntheticDataset.Sample> samples) {
    List<Example> examples = Batches.fromSynthetic(samples, spec.inputSize(), 0);
    Random rnd = new Random(settings.seed());
    try (GainTrainer t = new GainTrainer(spec, settings)) {
      long start = 0;
      for (int i = 0; i < STEPS; i++) {
        if (i == SKIP) {
          start = System.nanoTime();
        }
        t.step(
            Batches.sample(
                examples, settings.batchSize(), spec.numClasses(), spec.inputSize(), false, rnd));
      }
      return (STEPS - SKIP) / ((System.nanoTime() - start) / 1e9);
    }
  }

  /**
   * @param encoded the samples, encoded once: the publisher's work is not the trainer's
   */
  private double fromKafka(
      NetworkSpec spec, GainSettings settings, List<ImageEvent> encoded, Subject subject)
      throws InterruptedException {
    String run = UUID.randomUUID().toString().substring(0, 8);
    PipelineConfig config = Subject.config(run, subject, 16, 0);
    TopicSetup.ensure(kafka, config, 2);
    List<String> names = SyntheticDataset.classNames(spec.numClasses());
    AtomicBoolean training = new AtomicBoolean(true);
    long[] stepAt = new long[STEPS + 1];
    int[] steps = {0};
    // the pipeline's producer is Kafka Streams', which lingers 100 ms by default: samples reach the
    // broker in small batches, not one request each
    Map<String, Object> props = kafka.producer();
    props.put(ProducerConfig.LINGER_MS_CONFIG, STREAMS_LINGER_MS);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < encoded.size(); i++) {
        producer.send(record(config, encoded.get(i), "s-" + i));
      }
      producer.flush();
      TrainerOptions opts =
          TrainerOptions.builder(config, names, spec, settings)
              .releaseEvery(1_000_000)
              .maxSteps(STEPS)
              .replayCapacity(1000)
              .startAfter(SAMPLES, 3000)
              .checkpoints(new Checkpoints(work.resolve("trainer-" + run)))
              .groupId("bench-trainer-" + run)
              .limits(DecodeLimits.defaults())
              // nothing held out and no releases: both sides train on every sample, like the
              // memory-fed side
              .guarding(
                  new TrainerOptions.Guarding(
                      0, CollapseGuard.Settings.defaults(), ReleaseGate.defaults()))
              .build();
      TrainerService trainer =
          new TrainerService(kafka, opts, s -> stepAt[steps[0]++] = System.nanoTime());
      Thread t = new Thread(trainer, "bench-trainer");
      t.start();
      // samples keep arriving while it trains, as they do from a running pipeline
      Thread trickle =
          new Thread(
              () -> {
                int i = 0;
                while (training.get() && ARRIVALS_PER_SECOND > 0) {
                  producer.send(record(config, encoded.get(i % encoded.size()), "t-" + i));
                  i++;
                  try {
                    Thread.sleep(ARRIVALS_PER_SECOND == 0 ? 3_600_000 : 1000 / ARRIVALS_PER_SECOND);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "bench-trickle");
      trickle.start();
      t.join();
      training.set(false);
      trickle.interrupt();
      trickle.join();
      if (trainer.failure().isPresent()) {
        throw new IllegalStateException("trainer failed", trainer.failure().get());
      }
    }
    return (STEPS - 1 - SKIP) / ((stepAt[STEPS - 1] - stepAt[SKIP]) / 1e9);
  }

  private static ImageEvent sample(
      SyntheticDataset.Sample s, List<String> names, int width, int height, String format) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(s.image(), 0, 0, width, height, null);
    g.dispose();
    ImageEvent.Builder e =
        ImageEvent.newBuilder()
            .setImage(ByteString.copyFrom(ImageBytes.encode(img, format)))
            .setMediaType("image/" + format);
    for (int k : s.classes()) {
      e.addLabels(names.get(k - 1));
    }
    return e.build();
  }

  private static ProducerRecord<String, byte[]> record(
      PipelineConfig config, ImageEvent e, String id) {
    return new ProducerRecord<>(
        config.trainingSamplesTopic(), id, e.toBuilder().setId(id).build().toByteArray());
  }
}
