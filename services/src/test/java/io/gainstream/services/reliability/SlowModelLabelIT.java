package io.gainstream.services.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.model.infer.AttentionSession;
import io.gainstream.model.infer.InferenceOptions;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.onnx.ModelInfo;
import io.gainstream.model.onnx.OnnxExporter;
import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.model.train.GainSettings;
import io.gainstream.model.train.GainTrainer;
import io.gainstream.model.train.Method;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.kafka.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model slower than the transaction: {@code label} with a release that takes a third of the
 * transaction timeout per image and a first batch of 8. The first batch outlasts its transaction,
 * the broker aborts it, the stream thread is fenced and restores its buffer; the batches shrink
 * with one WARN line, and every image is labelled exactly once.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class SlowModelLabelIT {
  @TempDir Path tmp;

  @Test
  void shouldFinishWithEveryImageLabelledOnceAndOneWarnWhenABatchOutlastsItsTransaction()
      throws Exception {
    List<SyntheticDataset.Sample> samples = writeFolder(16);
    // an untrained but real release, heavy on purpose: a wide second stage at 768 pixels
    byte[] onnx = release(768);
    Path model = tmp.resolve("slow.onnx");
    Files.write(model, onnx);
    long perImageMs = perImageMs(onnx, 768);
    assertThat(perImageMs)
        .as("heavy enough that the timeout is 3 images' worth, not the 1 s floor")
        .isGreaterThan(340);
    // a third of the timeout per image: one fits, the first batch of 8 does not
    long timeoutMs = Math.max(1000, (3 * perImageMs + 99) / 100 * 100);

    Path out = tmp.resolve("out");
    try (TestKafka kafka = TestKafka.start(tmp.resolve("kafka"));
        ChildJvm label =
            label(
                kafka,
                model,
                out,
                "gainstream.transaction.timeout.ms=" + timeoutMs,
                "gainstream.batch.start.size=8")) {
      assertThat(label.awaitExit(Duration.ofMinutes(5)))
          .as(
              "label exit code (%d ms per image, %d ms timeout):%n%s",
              perImageMs, timeoutMs, label.tail())
          .isZero();
      List<String> console = label.logText().lines().toList();
      assertThat(console.stream().filter(l -> l.contains(" WARN ")))
          .as("one WARN line: the slow batch, what was done")
          .singleElement()
          .asString()
          .contains(
              "over the " + String.format("%.1f", timeoutMs / 1000.0) + " s transaction timeout")
          .contains("batches are now 1");
      assertThat(Files.readString(out.resolve("gainstream.log")))
          .as("the broker aborted the slow transaction: the stream thread was fenced")
          .contains("Detected that the thread is being fenced");

      try (var files = Files.list(out.resolve("SegmentationClass"))) {
        assertThat(files.map(p -> p.getFileName().toString()).toList())
            .as("lost 0")
            .containsExactlyInAnyOrderElementsOf(
                samples.stream().map(s -> s.id() + ".png").toList());
      }
      assertThat(Files.readString(out.resolve("dead-letters.jsonl"))).isBlank();
      Map<String, Integer> committed =
          committedLabelsPerImage(KafkaConnection.of(kafka.bootstrapServers(), null));
      System.out.printf(
          "RELIABILITY slow-model: in=%d labelled=%d lost=%d doubled=%d per-image-ms=%d transaction-timeout-ms=%d%n",
          samples.size(),
          committed.size(),
          samples.stream().filter(s -> !committed.containsKey(s.id() + ".png")).count(),
          committed.values().stream().filter(n -> n > 1).count(),
          perImageMs,
          timeoutMs);
      assertThat(committed)
          .as("doubled 0: one committed label per image")
          .hasSize(samples.size())
          .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    }
  }

  /**
   * A release so heavy that one image takes longer than the shortest transaction timeout: {@code
   * label} stops with exit 1 and one line naming the setting, instead of retrying forever.
   */
  @Test
  void shouldStopWithOneLineWhenASingleImageOutlastsTheTransaction() throws Exception {
    writeFolder(4);
    byte[] onnx = release(1280);
    long perImageMs = perImageMs(onnx, 1280);
    assertThat(perImageMs)
        .as("the heavy release must take over the 1 s timeout")
        .isGreaterThan(1000);
    Path model = tmp.resolve("heavy.onnx");
    Files.write(model, onnx);
    try (TestKafka kafka = TestKafka.start(tmp.resolve("kafka"));
        ChildJvm label =
            label(kafka, model, tmp.resolve("out"), "gainstream.transaction.timeout.ms=1000")) {
      assertThat(label.awaitExit(Duration.ofMinutes(3)))
          .as("label exit code (%d ms per image):%n%s", perImageMs, label.tail())
          .isEqualTo(1);
      List<String> errors =
          label.logText().lines().filter(l -> l.startsWith("gainstream: ")).toList();
      assertThat(errors)
          .singleElement()
          .asString()
          .contains("one image took")
          .contains("over the 1.0 s transaction timeout")
          .contains("gainstream.transaction.timeout.ms");
    }
  }

  /** {@code label --model} on the folder under {@code tmp}, in a JVM of its own, with settings. */
  private ChildJvm label(TestKafka kafka, Path model, Path out, String... settings)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "label",
                "--images",
                tmp.resolve("images").toString(),
                "--labels",
                tmp.resolve("labels.csv").toString(),
                "--classes",
                tmp.resolve("classes.txt").toString(),
                "--model",
                model.toString(),
                "--out",
                out.toString(),
                "--bootstrap-servers",
                kafka.bootstrapServers()));
    for (String s : settings) {
      args.add("--set");
      args.add(s);
    }
    return ChildJvm.start(tmp.resolve("console.log"), args);
  }

  /** Two classes of synthetic images in the label contract under {@code tmp}. */
  private List<SyntheticDataset.Sample> writeFolder(int n) throws Exception {
    List<String> classes = SyntheticDataset.classNames(2);
    Files.writeString(tmp.resolve("classes.txt"), String.join("\n", classes) + "\n");
    Path images = Files.createDirectories(tmp.resolve("images"));
    List<String> csv = new ArrayList<>(List.of("image,labels"));
    List<SyntheticDataset.Sample> samples =
        SyntheticDataset.generate(new SyntheticDataset.Spec(2, 64, n, 0.3, false, 0.9, 5));
    for (SyntheticDataset.Sample s : samples) {
      ImageIO.write(s.image(), "png", images.resolve(s.id() + ".png").toFile());
      csv.add(s.id() + ".png," + classes.get(s.classes()[0] - 1));
    }
    Files.write(tmp.resolve("labels.csv"), csv);
    return samples;
  }

  /** An untrained but real release of a wide two-stage network at {@code size} pixels. */
  private static byte[] release(int size) {
    List<String> classes = SyntheticDataset.classNames(2);
    NetworkSpec spec = new NetworkSpec(size, 64, 2, classes.size());
    try (GainTrainer t = new GainTrainer(spec, GainSettings.defaults(Method.CAM).withSeed(1))) {
      return OnnxExporter.export(
          t.network(), new ModelInfo(spec, classes, "cam", 1, 0, false, Map.of()));
    }
  }

  /** What one image costs the pipeline's model stage: two runs (it and its mirror), one thread. */
  private static long perImageMs(byte[] onnx, int size) {
    try (AttentionSession s =
        new AttentionSession(onnx, InferenceOptions.cpu().withThreads(1, 1))) {
      float[] image = new float[3 * size * size];
      s.run(image, 1);
      long best = Long.MAX_VALUE;
      for (int i = 0; i < 3; i++) {
        long t0 = System.nanoTime();
        s.run(image, 1);
        s.run(image, 1);
        best = Math.min(best, (System.nanoTime() - t0) / 1_000_000L);
      }
      return best;
    }
  }

  /** Committed records on proxy-labels, per image id. */
  private static Map<String, Integer> committedLabelsPerImage(KafkaConnection kafka) {
    Map<String, Integer> count = new HashMap<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.consumer(null))) {
      List<TopicPartition> parts =
          c.partitionsFor("proxy-labels", Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))
          && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(r -> count.merge(r.key(), 1, Integer::sum));
      }
    }
    return count;
  }
}
