package io.gainstream.services.reliability;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.gainstream.model.image.ImageBytes;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.onnx.ModelInfo;
import io.gainstream.model.onnx.OnnxExporter;
import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.model.train.CollapseGuard;
import io.gainstream.model.train.GainSettings;
import io.gainstream.model.train.GainTrainer;
import io.gainstream.model.train.Method;
import io.gainstream.model.train.ReleaseGate;
import io.gainstream.proto.v1.DeadLetter;
import io.gainstream.proto.v1.ImageEvent;
import io.gainstream.proto.v1.ModelRelease;
import io.gainstream.proto.v1.ProxyLabel;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.trainer.Checkpoints;
import io.gainstream.services.trainer.TrainerOptions;
import io.gainstream.topology.PipelineConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What the reliability tests share: a pipeline config on topics of their own, model releases with
 * seeded random weights (what a model has learnt does not matter for delivery guarantees), image
 * events, and the ledger that reads back every label and dead letter (read_committed) to count them
 * per image id.
 */
final class Fixture {
  static final List<String> CLASSES = SyntheticDataset.classNames(3);
  static final NetworkSpec SPEC = new NetworkSpec(64, 8, 3, 3);

  private Fixture() {}

  static Map<String, Object> settings(String prefix) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put(PipelineConfig.CLASSES_CONFIG, String.join(",", CLASSES));
    c.put(PipelineConfig.MODEL_NAME_CONFIG, prefix + "model");
    c.put(PipelineConfig.SAMPLE_RATE_CONFIG, 0.1);
    c.put(PipelineConfig.BATCH_MAX_SIZE_CONFIG, 8);
    c.put(PipelineConfig.BATCH_MAX_WAIT_MS_CONFIG, 100L);
    c.put(PipelineConfig.IMAGES_TOPIC_CONFIG, prefix + "images");
    c.put(PipelineConfig.MODELS_TOPIC_CONFIG, prefix + "models");
    c.put(PipelineConfig.PROXY_LABELS_TOPIC_CONFIG, prefix + "proxy-labels");
    c.put(PipelineConfig.TRAINING_SAMPLES_TOPIC_CONFIG, prefix + "training-samples");
    c.put(PipelineConfig.DEAD_LETTERS_TOPIC_CONFIG, prefix + "dead-letters");
    return c;
  }

  static PipelineConfig config(String prefix) {
    return new PipelineConfig(settings(prefix));
  }

  /** A release with seeded random weights. */
  static ModelRelease release(PipelineConfig c, long version) {
    byte[] onnx;
    try (GainTrainer t =
        new GainTrainer(SPEC, GainSettings.defaults(Method.CAM).withSeed(version))) {
      onnx =
          OnnxExporter.export(
              t.network(), new ModelInfo(SPEC, CLASSES, "cam", version, 0, false, Map.of()));
    }
    return ModelRelease.newBuilder()
        .setName(c.modelName())
        .setVersion(version)
        .setOnnx(ByteString.copyFrom(onnx))
        .addAllClasses(CLASSES)
        .setInputHeight(SPEC.inputSize())
        .setInputWidth(SPEC.inputSize())
        .setMethod("cam")
        .setCreatedMs(System.currentTimeMillis())
        .build();
  }

  /**
   * A cam trainer on the fixture's topics that publishes every release it makes ({@code maxSteps}
   * 0: until stopped).
   */
  static TrainerOptions trainer(
      PipelineConfig c, int releaseEvery, long maxSteps, Path checkpoints, String groupId) {
    return TrainerOptions.builder(
            c, CLASSES, SPEC, GainSettings.defaults(Method.CAM).withBatchSize(8))
        .releaseEvery(releaseEvery)
        .maxSteps(maxSteps)
        .replayCapacity(200)
        .startAfter(8, 1000)
        .checkpoints(new Checkpoints(checkpoints))
        .groupId(groupId)
        .limits(DecodeLimits.defaults())
        .guarding(
            new TrainerOptions.Guarding(
                0.1, CollapseGuard.Settings.defaults(), new ReleaseGate(0, 1)))
        .build();
  }

  static List<SyntheticDataset.Sample> samples(int n, long seed) {
    return SyntheticDataset.generate(new SyntheticDataset.Spec(3, 64, n, 0.3, false, 0.9, seed));
  }

  static byte[] png(java.awt.image.BufferedImage img) {
    return encode(img, "png");
  }

  static byte[] encode(java.awt.image.BufferedImage img, String format) {
    return ImageBytes.encode(img, format);
  }

  static ImageEvent event(SyntheticDataset.Sample s, String id) {
    ImageEvent.Builder e =
        ImageEvent.newBuilder()
            .setId(id)
            .setImage(ByteString.copyFrom(png(s.image())))
            .setMediaType("image/png");
    for (int k : s.classes()) {
      e.addLabels(CLASSES.get(k - 1));
    }
    return e.build();
  }

  /**
   * Publishes image {@code prefix + i} (the samples taken in turn) and records its id in {@code
   * ids}.
   */
  static void publishImage(
      KafkaProducer<String, byte[]> p,
      PipelineConfig c,
      List<SyntheticDataset.Sample> samples,
      String prefix,
      int i,
      Set<String> ids) {
    String id = prefix + i;
    send(p, c.imagesTopic(), id, event(samples.get(i % samples.size()), id).toByteArray());
    ids.add(id);
  }

  static void send(KafkaProducer<String, byte[]> p, String topic, String key, byte[] value) {
    try {
      p.send(new ProducerRecord<>(topic, key, value)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  static void publishRelease(KafkaConnection k, PipelineConfig c, long version) {
    try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(k.producer())) {
      send(p, c.modelsTopic(), c.modelName(), release(c, version).toByteArray());
    }
  }

  /** Every label and dead letter per image id, read from the beginning with read_committed. */
  static final class Ledger {
    final Map<String, List<ProxyLabel>> labels = new HashMap<>();
    final Map<String, List<DeadLetter>> deadLetters = new HashMap<>();

    /** Model versions of the labels in offset order, per proxy-labels partition. */
    final Map<Integer, List<Long>> versionsByPartition = new HashMap<>();

    int labelled(String id) {
      return labels.getOrDefault(id, List.of()).size();
    }

    int dead(String id) {
      return deadLetters.getOrDefault(id, List.of()).size();
    }

    /** Ids with neither a label nor a dead letter. */
    List<String> missing(Set<String> ids) {
      return ids.stream().filter(id -> labelled(id) + dead(id) == 0).sorted().toList();
    }

    /**
     * Ids with more than one outcome of one release: two labels of the same version, a label and a
     * dead letter, or two dead letters. A newer release's label beside an older one's is no double:
     * re-labelling writes one per promoted release.
     */
    List<String> doubled(Set<String> ids) {
      return ids.stream()
          .filter(
              id -> {
                List<ProxyLabel> ls = labels.getOrDefault(id, List.of());
                long versions =
                    ls.stream().mapToLong(ProxyLabel::getModelVersion).distinct().count();
                return versions < ls.size() || (dead(id) > 0 && (dead(id) > 1 || !ls.isEmpty()));
              })
          .sorted()
          .toList();
    }

    /** How many images of {@code ids} have their newest label from release {@code version}. */
    long on(Set<String> ids, long version) {
      return ids.stream().filter(id -> newest(id) == version).count();
    }

    /** The release of the image's newest label (offset order), or -1 when it has none. */
    long newest(String id) {
      List<ProxyLabel> ls = labels.getOrDefault(id, List.of());
      return ls.isEmpty() ? -1 : ls.get(ls.size() - 1).getModelVersion();
    }

    String reason(String id) {
      List<DeadLetter> d = deadLetters.get(id);
      return d == null ? null : d.get(0).getReason();
    }
  }

  /**
   * Reads both topics until every id of {@code ids} has an outcome (then a little longer, to see
   * doubles) or the timeout passes.
   */
  static Ledger ledger(KafkaConnection k, PipelineConfig c, Set<String> ids, Duration timeout) {
    return ledger(k, c, timeout, l -> l.missing(ids).isEmpty(), Duration.ofSeconds(3));
  }

  /**
   * Reads both topics until {@code done} holds, then for {@code settle} longer (to see doubles), or
   * until the timeout passes.
   */
  static Ledger ledger(
      KafkaConnection k,
      PipelineConfig c,
      Duration timeout,
      java.util.function.Predicate<Ledger> done,
      Duration settle) {
    Ledger l = new Ledger();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(k.consumer(null))) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String t : List.of(c.proxyLabelsTopic(), c.deadLettersTopic())) {
        consumer
            .partitionsFor(t, Duration.ofSeconds(30))
            .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long deadline = System.nanoTime() + timeout.toNanos();
      long settleUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, settleUntil)) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          try {
            if (r.topic().equals(c.proxyLabelsTopic())) {
              ProxyLabel p = ProxyLabel.parseFrom(r.value());
              l.labels.computeIfAbsent(r.key(), x -> new ArrayList<>()).add(p);
              l.versionsByPartition
                  .computeIfAbsent(r.partition(), x -> new ArrayList<>())
                  .add(p.getModelVersion());
            } else {
              DeadLetter d = DeadLetter.parseFrom(r.value());
              String key =
                  d.getOriginalKey().isEmpty()
                      ? String.valueOf(r.key())
                      : d.getOriginalKey().toStringUtf8();
              l.deadLetters.computeIfAbsent(key, x -> new ArrayList<>()).add(d);
            }
          } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("unreadable record on " + r.topic(), e);
          }
        }
        if (settleUntil == Long.MAX_VALUE && done.test(l)) {
          settleUntil = System.nanoTime() + settle.toNanos();
        }
      }
    }
    return l;
  }

  static Path classesFile(Path dir) throws IOException {
    Files.createDirectories(dir);
    return Files.write(dir.resolve("classes.txt"), CLASSES);
  }

  /** A PNG signature and header declaring {@code w × h} pixels, and no pixel data. */
  static byte[] pngDeclaring(int w, int h) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 25);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    b.putInt(13)
        .put("IHDR".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
        .putInt(w)
        .putInt(h);
    b.put(new byte[] {8, 2, 0, 0, 0});
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(b.array(), 12, 17);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /** A red CMYK JPEG (four channels, as print workflows store them). */
  static byte[] cmykJpeg(int w, int h) {
    java.awt.image.WritableRaster r =
        java.awt.image.Raster.createInterleavedRaster(
            java.awt.image.DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        r.setPixel(x, y, new int[] {0, 255, 255, x < w / 2 ? 0 : 128});
      }
    }
    javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (javax.imageio.stream.ImageOutputStream out = ImageIO.createImageOutputStream(bos)) {
      writer.setOutput(out);
      writer.write(new javax.imageio.IIOImage(r, null, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return bos.toByteArray();
  }
}
