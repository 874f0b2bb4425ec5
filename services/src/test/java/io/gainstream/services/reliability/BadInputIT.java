package io.gainstream.services.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.proto.v1.ImageEvent;
import io.gainstream.proto.v1.ProxyLabel;
import io.gainstream.services.kafka.BrokerExtension;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.kafka.TopicSetup;
import io.gainstream.services.pipeline.PipelineService;
import io.gainstream.topology.PipelineConfig;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twenty kinds of bad input against the running pipeline on a real broker: each is either handled
 * (labelled) or dead-lettered with its reason, and the pipeline keeps labelling afterwards.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BadInputIT {
  @TempDir static Path tmp;
  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension();
  private static final String LABELLED = "labelled";

  private static BufferedImage redraw(BufferedImage src, int type) {
    BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), type);
    Graphics2D g = out.createGraphics();
    g.drawImage(src, 0, 0, null);
    g.dispose();
    return out;
  }

  @Test
  void shouldLabelOrDeadLetterEveryKindOfBadInputAndKeepRunning() throws Exception {
    Map<String, Object> settings = Fixture.settings("bad.");
    settings.put(PipelineConfig.MAX_IMAGE_BYTES_CONFIG, 100_000);
    settings.put(PipelineConfig.MAX_IMAGE_PIXELS_CONFIG, 4_000_000L);
    PipelineConfig c = new PipelineConfig(settings);
    KafkaConnection k = kafka.connection();
    TopicSetup.ensure(k, c, 2);
    Fixture.publishRelease(k, c, 1);

    SyntheticDataset.Sample s = Fixture.samples(1, 3).get(0);
    ImageEvent good = Fixture.event(s, "x");
    byte[] png = good.getImage().toByteArray();
    byte[] jpeg = Fixture.encode(s.image(), "jpeg");
    BufferedImage noise = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
    Random rnd = new Random(1);
    for (int y = 0; y < 256; y++) {
      for (int x = 0; x < 256; x++) {
        noise.setRGB(x, y, rnd.nextInt(1 << 24));
      }
    }
    byte[] bigPng = Fixture.png(noise);
    assertThat(bigPng.length)
        .as("the oversized image is over the 100 kB limit")
        .isGreaterThan(100_000);

    Map<String, ImageEvent> events = new LinkedHashMap<>();
    events.put("empty-bytes", good.toBuilder().setImage(ByteString.EMPTY).build());
    events.put(
        "truncated-png",
        good.toBuilder().setImage(ByteString.copyFrom(png, 0, png.length / 2)).build());
    events.put(
        "truncated-jpeg",
        good.toBuilder()
            .setImage(ByteString.copyFrom(jpeg, 0, jpeg.length / 2))
            .setMediaType("image/jpeg")
            .build());
    events.put(
        "not-an-image",
        good.toBuilder().setImage(ByteString.copyFromUtf8("hello, I am a text file")).build());
    events.put("lying-media-type", good.toBuilder().setMediaType("image/jpeg").build());
    events.put(
        "zero-width",
        good.toBuilder().setImage(ByteString.copyFrom(Fixture.pngDeclaring(0, 10))).build());
    events.put(
        "decompression-bomb",
        good.toBuilder()
            .setImage(ByteString.copyFrom(Fixture.pngDeclaring(100_000, 100_000)))
            .build());
    events.put(
        "png-16-bit",
        good.toBuilder()
            .setImage(
                ByteString.copyFrom(Fixture.png(redraw(s.image(), BufferedImage.TYPE_USHORT_GRAY))))
            .build());
    events.put(
        "png-grey",
        good.toBuilder()
            .setImage(
                ByteString.copyFrom(Fixture.png(redraw(s.image(), BufferedImage.TYPE_BYTE_GRAY))))
            .build());
    events.put(
        "png-palette",
        good.toBuilder()
            .setImage(
                ByteString.copyFrom(
                    Fixture.png(redraw(s.image(), BufferedImage.TYPE_BYTE_INDEXED))))
            .build());
    events.put(
        "png-alpha",
        good.toBuilder()
            .setImage(
                ByteString.copyFrom(Fixture.png(redraw(s.image(), BufferedImage.TYPE_INT_ARGB))))
            .build());
    events.put(
        "jpeg-cmyk",
        good.toBuilder()
            .setImage(ByteString.copyFrom(Fixture.cmykJpeg(64, 64)))
            .setMediaType("image/jpeg")
            .build());
    events.put("unknown-class", good.toBuilder().addLabels("zebra").build());
    events.put("no-label", good.toBuilder().clearLabels().build());
    events.put(
        "mask-wrong-size",
        good.toBuilder()
            .setPixelLabel(ByteString.copyFrom(LabelPng.writePalette(new byte[16], 4, 4)))
            .build());
    byte[] outOfRange = s.mask().clone();
    outOfRange[10] = 9;
    events.put(
        "mask-out-of-range",
        good.toBuilder()
            .setPixelLabel(ByteString.copyFrom(LabelPng.writePalette(outOfRange, 64, 64)))
            .build());
    events.put("over-size-limit", good.toBuilder().setImage(ByteString.copyFrom(bigPng)).build());

    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("empty-bytes", "IMAGE_EMPTY");
    expected.put("truncated-png", "IMAGE_UNDECODABLE");
    expected.put("truncated-jpeg", "IMAGE_UNDECODABLE");
    expected.put("not-an-image", "IMAGE_UNDECODABLE");
    expected.put("lying-media-type", LABELLED);
    expected.put("zero-width", "IMAGE_ZERO_SIZE");
    expected.put("decompression-bomb", "IMAGE_TOO_LARGE");
    expected.put("png-16-bit", LABELLED);
    expected.put("png-grey", LABELLED);
    expected.put("png-palette", LABELLED);
    expected.put("png-alpha", LABELLED);
    expected.put("jpeg-cmyk", LABELLED);
    expected.put("unknown-class", "UNKNOWN_CLASS");
    expected.put("no-label", LABELLED); // an image of none of the classes: all background
    expected.put("mask-wrong-size", "MASK_WRONG_SIZE");
    expected.put("mask-out-of-range", "MASK_VALUE_OUT_OF_RANGE");
    expected.put("over-size-limit", "IMAGE_TOO_LARGE");
    expected.put("not-protobuf", "NOT_PROTOBUF");
    expected.put("tombstone", "EMPTY_VALUE");
    expected.put("", "MISSING_ID");
    expected.put("after-all-that", LABELLED);

    try (PipelineService p =
            new PipelineService(
                    k, c, new PipelineService.Options("bad-app", tmp.resolve("state"), 1))
                .start(Duration.ofMinutes(1));
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(k.producer())) {
      events.forEach(
          (id, e) ->
              Fixture.send(
                  producer, c.imagesTopic(), id, e.toBuilder().setId(id).build().toByteArray()));
      Fixture.send(
          producer, c.imagesTopic(), "not-protobuf", new byte[] {(byte) 0xff, 0x00, 0x13, 0x37});
      producer.send(new ProducerRecord<>(c.imagesTopic(), "tombstone", null)).get();
      Fixture.send(producer, c.imagesTopic(), "", good.toBuilder().setId("").build().toByteArray());
      // the same id twice: the second event is a re-label, and the newest label wins on the
      // compacted topic
      Fixture.send(
          producer,
          c.imagesTopic(),
          "duplicate-id",
          good.toBuilder().setId("duplicate-id").build().toByteArray());
      ImageEvent second =
          good.toBuilder()
              .setId("duplicate-id")
              .clearLabels()
              .addLabels(Fixture.CLASSES.get(2))
              .build();
      Fixture.send(producer, c.imagesTopic(), "duplicate-id", second.toByteArray());
      Fixture.send(
          producer,
          c.imagesTopic(),
          "after-all-that",
          good.toBuilder().setId("after-all-that").build().toByteArray());

      java.util.Set<String> ids = new java.util.HashSet<>(expected.keySet());
      ids.add("duplicate-id");
      Fixture.Ledger l = Fixture.ledger(k, c, ids, Duration.ofMinutes(2));
      Map<String, String> outcome = new LinkedHashMap<>();
      for (String id : expected.keySet()) {
        outcome.put(
            id,
            l.labelled(id) == 1 && l.dead(id) == 0
                ? LABELLED
                : l.dead(id) == 1 && l.labelled(id) == 0 ? l.reason(id) : "?");
      }
      System.out.printf(
          "RELIABILITY bad-input: kinds=%d in=%d labelled=%d dead-lettered=%d lost=%d doubled=%d%n",
          expected.size() + 1,
          ids.size(),
          ids.stream().filter(id -> l.labelled(id) > 0).count(),
          ids.stream().filter(id -> l.dead(id) > 0).count(),
          l.missing(ids).size(),
          l.doubled(expected.keySet()).size());
      assertThat(outcome).containsExactlyEntriesOf(expected);
      for (String id : expected.keySet()) {
        if (l.dead(id) > 0) {
          assertThat(l.deadLetters.get(id).get(0).getDetail())
              .as("reason detail of %s", id)
              .isNotBlank();
        }
      }
      // one label when the second event replaced the first in the micro-batch buffer, two when the
      // first was labelled already; either way the last label on the topic is the newest event's
      List<ProxyLabel> dup = l.labels.get("duplicate-id");
      assertThat(dup).hasSizeBetween(1, 2);
      assertThat(dup.get(dup.size() - 1).getSoftMasksMap())
          .as("the newest event's labels")
          .containsOnlyKeys(Fixture.CLASSES.get(2));
      byte[] none =
          LabelPng.read(
                  l.labels.get("no-label").get(0).getClassPng().toByteArray(),
                  io.gainstream.model.input.DecodeLimits.defaults())
              .values();
      assertThat(none).as("no image-level label: every pixel background").containsOnly((byte) 0);
      // the /metrics text: our counters under their names, the labelling-latency histogram (every
      // good image labelled once), Kafka Streams' own thread metrics and the JVM's
      String metrics = new String(p.prometheus().bytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(metrics)
          .contains("gainstream_dead_letters_total{reason=\"UNKNOWN_CLASS\"} 1.0")
          .contains("gainstream_model_version 1.0")
          .contains("gainstream_label_latency_seconds_bucket{le=")
          .contains("gainstream_batch_inference_seconds_count")
          .containsPattern("kafka_stream_thread_process_total\\{[^}]*\\} [1-9]")
          .contains("jvm_memory_used_bytes");
      assertThat(metrics)
          .as("one latency per label of a new image")
          .containsPattern(
              "gainstream_label_latency_seconds_count "
                  + p.metrics().snapshot().labelled()
                  + "(\\.0)?\\n");
      assertThat(p.state().isRunningOrRebalancing()).isTrue();
    }
  }
}
