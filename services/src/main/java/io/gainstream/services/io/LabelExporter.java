package io.gainstream.services.io;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gainstream.proto.v1.DeadLetter;
import io.gainstream.proto.v1.ProxyLabel;
import io.gainstream.services.kafka.KafkaConnection;
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
import java.util.Set;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads proxy labels and dead letters back (read_committed, from the beginning: both topics keep
 * every image) and writes the output folder: {@code SegmentationClass/<stem>.png},
 * {@code classes.txt} and {@code dead-letters.jsonl}.
 */
public final class LabelExporter {
  private static final Logger LOG = LoggerFactory.getLogger(LabelExporter.class);

  /** Newest label and dead letter per image id. */
  public record Collected(Map<String, ProxyLabel> labels, Map<String, DeadLetter> deadLetters) {}

  private LabelExporter() {}

  /**
   * Collects until every id of {@code expected} has a label or a dead letter (when {@code expected}
   * is null: until the end offsets at the time of the call). Labels of models older than {@code
   * minModelVersion} and dead letters written before {@code deadLettersSinceMs} belong to earlier
   * runs and are ignored.
   */
  public static Collected collect(
      KafkaConnection kafka,
      String labelsTopic,
      String deadLettersTopic,
      Set<String> expected,
      long minModelVersion,
      long deadLettersSinceMs,
      Duration timeout,
      IntConsumer progress) {
    Map<String, ProxyLabel> labels = new HashMap<>();
    Map<String, DeadLetter> dead = new HashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.consumer(null))) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String t : List.of(labelsTopic, deadLettersTopic)) {
        c.partitionsFor(t, Duration.ofSeconds(30)).forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = expected == null ? c.endOffsets(parts) : null;
      int done = 0;
      while (true) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
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
          int now = (int) expected.stream().filter(id -> labels.containsKey(id) || dead.containsKey(id)).count();
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
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "timed out after " + timeout + " waiting for labels: " + done + " of " + (expected == null ? "?" : expected.size()) + " images done");
        }
      }
    }
    return new Collected(labels, dead);
  }

  /**
   * Writes the output folder.
   *
   * @param stems output file stem per image id (ids not in the map use their own stem)
   * @param local inputs rejected before they reached Kafka
   */
  public static int write(Collected c, Path out, List<String> classNames, Map<String, String> stems, List<ImagePublisher.Rejected> local)
      throws IOException {
    Path seg = out.resolve("SegmentationClass");
    Files.createDirectories(seg);
    Files.writeString(out.resolve("classes.txt"), String.join("\n", classNames) + "\n", StandardCharsets.UTF_8);
    int written = 0;
    for (Map.Entry<String, ProxyLabel> e : c.labels().entrySet()) {
      String stem = stems.getOrDefault(e.getKey(), ImagePublisher.stemOf(e.getKey()));
      Files.write(seg.resolve(stem + ".png"), e.getValue().getClassPng().toByteArray());
      written++;
    }
    try (BufferedWriter w = Files.newBufferedWriter(out.resolve("dead-letters.jsonl"), StandardCharsets.UTF_8)) {
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
    return written;
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
