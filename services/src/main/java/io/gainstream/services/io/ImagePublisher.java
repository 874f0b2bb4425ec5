package io.gainstream.services.io;

import com.google.protobuf.ByteString;
import io.gainstream.model.input.ExifOrientation;
import io.gainstream.proto.v1.ImageEvent;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.topology.StreamsSettings;
import io.gainstream.topology.Topic;
import io.gainstream.topology.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Publishes a folder of images with their labels (and optional pixel labels) to the images topic.
 * What cannot even be read here (missing file, a path outside the folder, a duplicate file name, a
 * file over the record limit) is reported as rejected, with its reason, instead of sent.
 */
public final class ImagePublisher {
  /** An input that never reached Kafka. */
  public record Rejected(String image, String reason, String detail) {}

  /**
   * Ids published and inputs rejected locally.
   *
   * @param published ids the topic holds
   * @param rejected ids refused before publishing, with why
   * @param turned ids of published JPEGs whose EXIF orientation tag turns them on screen
   */
  public record Result(List<String> published, List<Rejected> rejected, List<String> turned) {
    /**
     * One line for the console when some photos carry an EXIF orientation, else null: a viewer
     * shows them turned, and their labels follow the pixels as stored ({@link ExifOrientation}).
     */
    public String orientationNote() {
      if (turned.isEmpty()) {
        return null;
      }
      List<String> some = turned.stream().sorted().limit(3).toList();
      return turned.size()
          + " of the images ("
          + String.join(", ", some)
          + (turned.size() > some.size() ? ", ..." : "")
          + ") carry an EXIF orientation tag that viewers apply: their labels follow the pixels as"
          + " stored, as COCO's and VOC's tools read them, and the exported JPEGImages/ have the"
          + " tag cleared to match";
    }
  }

  private ImagePublisher() {}

  /** The image id of a CSV path: the relative path with forward slashes. */
  public static String idOf(String relativePath) {
    return relativePath.replace('\\', '/');
  }

  /** The file name without extension, used for output file names. */
  public static String stemOf(String id) {
    String name = id.substring(id.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  public static Result publish(
      KafkaConnection kafka,
      String topic,
      Path imagesDir,
      List<LabelsCsv.Row> rows,
      Path masksDir,
      Runnable onEach)
      throws InterruptedException {
    List<String> published = Collections.synchronizedList(new ArrayList<>());
    List<Rejected> rejected = Collections.synchronizedList(new ArrayList<>());
    List<String> turned = new ArrayList<>();
    Set<String> stems = new HashSet<>();
    Path root = imagesDir.toAbsolutePath().normalize();
    CountDownLatch inFlight = new CountDownLatch(rows.size());
    Topic<String, ImageEvent> images = Topics.images(topic);
    try (KafkaProducer<String, ImageEvent> producer = images.producer(kafka.producer())) {
      for (LabelsCsv.Row row : rows) {
        String id = idOf(row.image());
        Path file = root.resolve(row.image()).normalize();
        String reject = null;
        String detail = null;
        byte[] bytes = null;
        if (!file.startsWith(root)) {
          reject = "PATH_OUTSIDE_IMAGES";
          detail = row.image() + " is outside " + root;
        } else if (!stems.add(stemOf(id))) {
          reject = "DUPLICATE_NAME";
          detail =
              "another image already has the file name "
                  + stemOf(id)
                  + " (line "
                  + row.line()
                  + ")";
        } else {
          try {
            bytes = Files.readAllBytes(file);
            if (bytes.length > StreamsSettings.MAX_RECORD_BYTES - (1 << 20)) {
              reject = "RECORD_TOO_LARGE";
              detail = "file is " + bytes.length + " bytes, over the record limit";
            }
          } catch (NoSuchFileException e) {
            reject = "FILE_UNREADABLE";
            detail = "no such file: " + file;
          } catch (IOException e) {
            reject = "FILE_UNREADABLE";
            detail = "cannot read " + file + ": " + e;
          }
        }
        if (reject != null) {
          rejected.add(new Rejected(id, reject, detail));
          inFlight.countDown();
          onEach.run();
          continue;
        }
        if (ExifOrientation.of(bytes) != ExifOrientation.AS_STORED) {
          turned.add(id);
        }
        ImageEvent.Builder e =
            ImageEvent.newBuilder()
                .setId(id)
                .setImage(ByteString.copyFrom(bytes))
                .setMediaType(mediaType(id))
                .addAllLabels(row.labels())
                .setSource(file.toString())
                .setTimestampMs(System.currentTimeMillis());
        if (masksDir != null) {
          Path mask = masksDir.resolve(stemOf(id) + ".png");
          if (Files.isRegularFile(mask)) {
            try {
              e.setPixelLabel(ByteString.copyFrom(Files.readAllBytes(mask)));
            } catch (IOException ex) {
              rejected.add(
                  new Rejected(
                      id,
                      "FILE_UNREADABLE",
                      "cannot read pixel label " + mask + ": " + ex.getMessage()));
              inFlight.countDown();
              onEach.run();
              continue;
            }
          }
        }
        producer.send(
            images.record(id, e.build()),
            (meta, ex) -> {
              if (ex == null) {
                published.add(id);
              } else {
                rejected.add(new Rejected(id, "PUBLISH_FAILED", ex.getMessage()));
              }
              inFlight.countDown();
              onEach.run();
            });
      }
      producer.flush();
      if (!inFlight.await(5, TimeUnit.MINUTES)) {
        throw new IllegalStateException("publishing did not complete within 5 minutes");
      }
    }
    Set<String> out = new HashSet<>(published);
    return new Result(
        List.copyOf(published),
        List.copyOf(rejected),
        turned.stream().filter(out::contains).toList());
  }

  static String mediaType(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".png")) {
      return "image/png";
    }
    if (n.endsWith(".jpg") || n.endsWith(".jpeg")) {
      return "image/jpeg";
    }
    return "application/octet-stream";
  }
}
