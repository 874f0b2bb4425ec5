package io.gainstream.services.io;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.proto.v1.DeadLetter;
import io.gainstream.proto.v1.ProxyLabel;
import io.gainstream.services.export.CocoExport;
import io.gainstream.services.export.ExportItem;
import io.gainstream.services.export.VocExport;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.view.ReportWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads proxy labels and dead letters back (read_committed, from the beginning: both topics keep
 * every image) and writes the output folder: {@code SegmentationClass/<stem>.png}, {@code
 * classes.txt} and {@code dead-letters.jsonl}.
 */
public final class LabelExporter {
  private static final Logger LOG = LoggerFactory.getLogger(LabelExporter.class);

  /** Newest label and dead letter per image id. */
  public record Collected(Map<String, ProxyLabel> labels, Map<String, DeadLetter> deadLetters) {}

  private LabelExporter() {}

  /** A stall longer than this gets one console line saying why. */
  public static final Duration STALL = Duration.ofMinutes(1);

  /**
   * What the collector asks the labelling side while it waits: whether it stopped for good (then
   * waiting is pointless) and, after a stall, what it is doing.
   */
  public interface Watch {
    Watch NONE = new Watch() {};

    /** Why labelling stopped for good, if it did. */
    default Optional<RuntimeException> failure() {
      return Optional.empty();
    }

    /** One line on what the labelling side is doing. */
    default String activity() {
      return "no pipeline in this process to ask";
    }
  }

  /**
   * Collects until every id of {@code expected} has a label or a dead letter (when {@code expected}
   * is null: until the end offsets at the time of the call). Labels of models older than {@code
   * minModelVersion} and dead letters written before {@code deadLettersSinceMs} belong to earlier
   * runs and are ignored.
   *
   * <p>Without {@code expected}, {@code total} first gets the number of records to read. Progress
   * counts committed labels (the consumer reads committed records only). After {@link #STALL}
   * without one, one WARN line says what {@code watch} is doing; when it stopped for good, its
   * reason is thrown. It gives up only after {@code idle} without a record: how long the whole
   * takes depends on the set and the models (a mask model on a CPU labels a few photos a minute).
   */
  public static Collected collect(
      KafkaConnection kafka,
      String labelsTopic,
      String deadLettersTopic,
      Set<String> expected,
      long minModelVersion,
      long deadLettersSinceMs,
      Duration idle,
      IntConsumer progress,
      LongConsumer total,
      Watch watch) {
    Map<String, ProxyLabel> labels = new HashMap<>();
    Map<String, DeadLetter> dead = new HashMap<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.consumer(null))) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String t : List.of(labelsTopic, deadLettersTopic)) {
        c.partitionsFor(t, Duration.ofSeconds(30))
            .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
      }
      if (parts.isEmpty()) {
        total.accept(0);
        return new Collected(labels, dead); // neither topic exists yet: nothing was labelled
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = expected == null ? c.endOffsets(parts) : null;
      if (end != null) {
        Map<TopicPartition, Long> begin = c.beginningOffsets(parts);
        total.accept(
            end.entrySet().stream().mapToLong(e -> e.getValue() - begin.get(e.getKey())).sum());
      }
      int done = 0;
      long lastProgress = System.nanoTime();
      boolean stallTold = false;
      while (true) {
        var records = c.poll(Duration.ofMillis(200));
        if (!records.isEmpty()) {
          lastProgress = System.nanoTime();
          stallTold = false;
        } else if (watch.failure().isPresent()) {
          throw watch.failure().get();
        } else if (!stallTold && System.nanoTime() - lastProgress > STALL.toNanos()) {
          LOG.warn(
              "no label for {} s ({} of {} images done): {}",
              STALL.toSeconds(),
              done,
              expected == null ? "?" : expected.size(),
              watch.activity());
          stallTold = true;
        }
        if (expected == null && !records.isEmpty()) {
          progress.accept(records.count()); // records read of the known total
        }
        for (ConsumerRecord<String, byte[]> r : records) {
          String key = r.key() == null ? "" : r.key();
          try {
            if (r.topic().equals(labelsTopic)) {
              if (r.value() != null) {
                ProxyLabel l = ProxyLabel.parseFrom(r.value());
                if (l.getModelVersion() >= minModelVersion) {
                  labels.put(key, l);
                }
              }
            } else {
              DeadLetter d = DeadLetter.parseFrom(r.value());
              if (r.timestamp() < deadLettersSinceMs) {
                continue;
              }
              dead.put(d.getOriginalKey().isEmpty() ? key : d.getOriginalKey().toStringUtf8(), d);
            }
          } catch (InvalidProtocolBufferException e) {
            LOG.warn("skipping unreadable record on {} at offset {}", r.topic(), r.offset());
          }
        }
        if (expected != null) {
          int now =
              (int)
                  expected.stream()
                      .filter(id -> labels.containsKey(id) || dead.containsKey(id))
                      .count();
          if (now != done) {
            progress.accept(now - done);
            done = now;
          }
          if (done >= expected.size()) {
            break;
          }
        } else if (parts.stream().allMatch(p -> c.position(p) >= end.get(p))) {
          break;
        }
        if (System.nanoTime() - lastProgress > idle.toNanos()) {
          // a slow model is no reason to give up while labels keep coming; silence is
          throw new IllegalStateException(
              "no label or dead letter for "
                  + idle
                  + ": "
                  + done
                  + " of "
                  + (expected == null ? "?" : expected.size())
                  + " images done");
        }
      }
    }
    return new Collected(labels, dead);
  }

  /**
   * Writes the output folder: the PASCAL VOC layout ({@code SegmentationClass/}, {@code
   * JPEGImages/} when the originals are at hand, {@code ImageSets/Segmentation/}, {@code
   * labelmap.txt}), COCO JSON with RLE masks ({@code annotations.json}), {@code classes.txt}, the
   * labels before refinement where they were refined ({@code SegmentationClassUnrefined/}, the same
   * PNGs as the pipeline wrote them), the attention's labels before a mask model was fused into
   * them ({@code SegmentationClassUnfused/}), the rejected inputs ({@code dead-letters.jsonl}),
   * which release labelled each image and when ({@code manifest.csv}, {@link Manifest}) and a
   * static report ({@code report.html}).
   *
   * @param stems output file stem per image id (ids not in the map use their own stem)
   * @param local inputs rejected before they reached Kafka
   * @param imagesRoot folder the image ids are relative to, or null when the originals are not at
   *     hand (export from the topics)
   */
  public static final String UNREFINED_DIR = "SegmentationClassUnrefined";

  /** The attention's labels before a mask model was fused into them. */
  public static final String UNFUSED_DIR = "SegmentationClassUnfused";

  public static int write(
      Collected c,
      Path out,
      List<String> classNames,
      Map<String, String> stems,
      List<ImagePublisher.Rejected> local,
      Path imagesRoot)
      throws IOException {
    Files.createDirectories(out);
    Files.writeString(
        out.resolve("classes.txt"), String.join("\n", classNames) + "\n", StandardCharsets.UTF_8);
    List<ExportItem> items = new ArrayList<>(c.labels().size());
    List<ReportWriter.Item> report = new ArrayList<>();
    List<Manifest.Row> manifest = new ArrayList<>(c.labels().size());
    for (Map.Entry<String, ProxyLabel> e : new TreeMap<>(c.labels()).entrySet()) {
      String stem = stems.getOrDefault(e.getKey(), ImagePublisher.stemOf(e.getKey()));
      ProxyLabel l = e.getValue();
      manifest.add(
          new Manifest.Row(
              e.getKey(),
              l.getModelVersion(),
              l.getModelMethod(),
              l.getLabelledMs(),
              l.getMaskModel(),
              l.getFusion()));
      byte[] classPng = l.getClassPng().toByteArray();
      byte[] classMap =
          LabelPng.read(classPng, DecodeLimits.defaults())
              .values(); // for COCO's RLE and the checks
      byte[] image = null;
      String ext = null;
      if (imagesRoot != null) {
        Path f = imagesRoot.resolve(e.getKey());
        String name = f.getFileName().toString();
        if (Files.isRegularFile(f) && name.lastIndexOf('.') > 0) {
          image = Files.readAllBytes(f);
          ext = name.substring(name.lastIndexOf('.') + 1);
        }
      }
      items.add(new ExportItem(stem, image, ext, l.getWidth(), l.getHeight(), classMap, classPng));
      if (!l.getUnfusedClassPng().isEmpty()) {
        Path unfused = Files.createDirectories(out.resolve(UNFUSED_DIR));
        Files.write(unfused.resolve(stem + ".png"), l.getUnfusedClassPng().toByteArray());
      }
      if (!l.getUnrefinedClassPng().isEmpty()) {
        Path unrefined = Files.createDirectories(out.resolve(UNREFINED_DIR));
        Files.write(unrefined.resolve(stem + ".png"), l.getUnrefinedClassPng().toByteArray());
      }
      if (report.size() < ReportWriter.MAX_IMAGES) {
        report.add(new ReportWriter.Item(stem, image, l));
      }
    }
    VocExport.write(out, classNames, items, null);
    CocoExport.write(
        out.resolve("annotations.json"), classNames, items, Manifest.releases(manifest));
    Manifest.write(out.resolve(Manifest.FILE), manifest);
    ReportWriter.pictures(out, report);
    ReportWriter.html(out, "gainstream proxy labels", null);
    try (BufferedWriter w =
        Files.newBufferedWriter(out.resolve("dead-letters.jsonl"), StandardCharsets.UTF_8)) {
      for (ImagePublisher.Rejected r : local) {
        w.write(Json.object(row(r.image(), r.reason(), "publish", r.detail())));
        w.newLine();
      }
      for (Map.Entry<String, DeadLetter> e : c.deadLetters().entrySet()) {
        if (c.labels().containsKey(e.getKey())) {
          continue; // labelled after all (e.g. a later, valid version of the same image)
        }
        DeadLetter d = e.getValue();
        w.write(Json.object(row(e.getKey(), d.getReason(), d.getStage(), d.getDetail())));
        w.newLine();
      }
    }
    return items.size();
  }

  private static Map<String, String> row(String image, String reason, String stage, String detail) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("image", image);
    m.put("reason", reason);
    m.put("stage", stage);
    m.put("detail", detail == null ? "" : detail);
    return m;
  }
}
