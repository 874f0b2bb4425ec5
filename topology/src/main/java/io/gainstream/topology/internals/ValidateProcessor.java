package io.gainstream.topology.internals;

import com.google.protobuf.Message;
import com.google.protobuf.UnsafeByteOperations;
import io.gainstream.model.input.ClassCatalog;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.input.ExifOrientation;
import io.gainstream.model.input.ImageDecoder;
import io.gainstream.model.input.InvalidInputException;
import io.gainstream.model.input.InvalidMaskException;
import io.gainstream.model.input.PixelLabels;
import io.gainstream.model.input.RejectReason;
import io.gainstream.model.release.LabelPath;
import io.gainstream.proto.v1.DeadLetter;
import io.gainstream.proto.v1.ImageEvent;
import io.gainstream.proto.v1.IndexedImage;
import io.gainstream.proto.v1.ModelRelease;
import io.gainstream.proto.v1.PendingImage;
import io.gainstream.topology.PipelineConfig;
import io.gainstream.topology.PipelineMetrics;
import io.gainstream.topology.errors.DeadLetters;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Validates an image event and decodes it once: labels against the class catalog, the image against
 * the byte and pixel limits (header first), the optional pixel label against the image. Valid
 * images go on resized (as {@link PendingImage}) to the attention stage, and — when sampled —
 * unchanged to the training samples; anything else becomes a dead letter with its reason.
 */
public final class ValidateProcessor implements Processor<String, ImageEvent, String, Message> {
  public static final String STAGE = "validate";

  private final ClassCatalog classes;
  private final DecodeLimits limits;

  /** Whether pending images carry the encoded image for the mask model (one is configured). */
  private final boolean keepImage;

  private final int inputSize;
  private final double sampleRate;
  private final String attentionChild;
  private final String samplesChild;
  private final String deadLetterChild;
  private final PipelineMetrics metrics;
  private ProcessorContext<String, Message> context;
  private final String modelsStore;
  private final String modelName;
  private KeyValueStore<String, ModelRelease> models;

  /** The re-labelling index ({@code relabel-images}); null when re-labelling is off. */
  private final String indexStore;

  private KeyValueStore<String, IndexedImage> index;

  /**
   * @param modelsStore the global store of releases: images are resized to the newest release's
   *     input size (to {@code gainstream.input.size} while there is none)
   * @param indexStore where valid images are kept for re-labelling (null: re-labelling is off)
   */
  public ValidateProcessor(
      PipelineConfig config,
      String modelsStore,
      String indexStore,
      String attentionChild,
      String samplesChild,
      String deadLetterChild,
      PipelineMetrics metrics) {
    this.modelsStore = modelsStore;
    this.indexStore = indexStore;
    this.modelName = config.modelName();
    this.classes = config.classes();
    this.limits = config.decodeLimits();
    this.inputSize = config.inputSize();
    this.keepImage = config.mask().isPresent();
    this.sampleRate = config.sampleRate();
    this.attentionChild = attentionChild;
    this.samplesChild = samplesChild;
    this.deadLetterChild = deadLetterChild;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Message> context) {
    this.context = context;
    this.models = context.getStateStore(modelsStore);
    this.index = indexStore == null ? null : context.getStateStore(indexStore);
  }

  @Override
  public void process(Record<String, ImageEvent> record) {
    metrics.imageIn();
    ImageEvent event = record.value();
    if (event == null) {
      reject(
          record, DeadLetters.EMPTY_VALUE, "record has no value (a tombstone on the images topic)");
      return;
    }
    String id = !isBlank(record.key()) ? record.key() : event.getId();
    if (isBlank(id)) {
      reject(record, DeadLetters.MISSING_ID, "record has neither a key nor an image id");
      return;
    }
    PendingImage pending;
    try {
      int[] labels = classes.indicesOf(event.getLabelsList());
      BufferedImage img = ImageDecoder.decodeRaw(event.getImage().toByteArray(), limits);
      if (!event.getPixelLabel().isEmpty()) {
        try {
          PixelLabels.decode(
              event.getPixelLabel().toByteArray(),
              img.getWidth(),
              img.getHeight(),
              classes.size(),
              limits);
        } catch (InvalidMaskException e) {
          throw turnedHint(
              e,
              event.getImage().toByteArray(),
              event.getPixelLabel().toByteArray(),
              img.getWidth(),
              img.getHeight(),
              limits);
        }
      }
      pending = pending(id, event, img, labels, record.timestamp());
    } catch (InvalidInputException e) {
      reject(record, e.reason().name(), e.getMessage());
      return;
    }
    if (index != null && !isBlank(record.key())) {
      // keyed records only: an id without a key could land on any partition, in several tasks'
      // indexes at once
      index.put(id, indexed(pending, event));
    }
    context.forward(record.withKey(id).withValue(pending), attentionChild);
    if (!event.getPixelLabel().isEmpty() || sampled(id, sampleRate)) {
      ImageEvent sample = event.getId().equals(id) ? event : event.toBuilder().setId(id).build();
      context.forward(record.withKey(id).withValue(sample), samplesChild);
    }
  }

  /**
   * The side to resize to: the newest release's input, so that the attention stage feeds it as it
   * is (a release of other classes is refused there, and its size is not used here either).
   */
  private int packSize() {
    ModelRelease r = models.get(modelName);
    if (r == null || r.getInputHeight() < 1 || !r.getClassesList().equals(classes.names())) {
      return inputSize;
    }
    return r.getInputHeight();
  }

  private PendingImage pending(
      String id, ImageEvent event, BufferedImage img, int[] labels, long timestamp) {
    PendingImage.Builder b =
        boxed(img, packSize())
            .setImageId(id)
            .setSource(event.getSource())
            .setTimestampMs(timestamp)
            .setEnqueuedMs(context.currentSystemTimeMs());
    for (int k : labels) {
      b.addClasses(k);
    }
    if (keepImage) {
      b.setImage(event.getImage());
    }
    context
        .recordMetadata()
        .ifPresent(
            m ->
                b.setSourceTopic(m.topic())
                    .setSourcePartition(m.partition())
                    .setSourceOffset(m.offset()));
    return b.build();
  }

  /**
   * A decoded image resized once to the model input {@code size}, with its original size: what the
   * attention stage batches, for a new image here and for a re-labelled one in {@link Relabeller}.
   */
  static PendingImage.Builder boxed(BufferedImage img, int size) {
    LabelPath.Input in = LabelPath.prepare(img, size);
    return PendingImage.newBuilder()
        .setWidth(in.width())
        .setHeight(in.height())
        .setSize(in.side())
        .setRgb(UnsafeByteOperations.unsafeWrap(in.rgb()));
  }

  /** What re-labelling needs of a valid image: its encoded bytes, not its resized pixels. */
  private static IndexedImage indexed(PendingImage p, ImageEvent event) {
    return IndexedImage.newBuilder()
        .setImageId(p.getImageId())
        .setSource(p.getSource())
        .setImage(event.getImage())
        .addAllClasses(p.getClassesList())
        .setTimestampMs(p.getTimestampMs())
        .setSourceTopic(p.getSourceTopic())
        .setSourcePartition(p.getSourcePartition())
        .setSourceOffset(p.getSourceOffset())
        .build();
  }

  /**
   * Deterministic sampling by a hash of the id: a replayed record is sampled the same way, and the
   * same image is sampled by every instance.
   */
  static boolean sampled(String id, double rate) {
    if (rate >= 1.0) {
      return true;
    }
    if (rate <= 0.0) {
      return false;
    }
    long h = 1125899906842597L;
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      h = 31 * h + b;
    }
    // the full 64-bit finaliser of MurmurHash3: with one round only, ids that differ in their last
    // characters ("img-1", "img-2", ...) were almost never sampled
    h ^= (h >>> 33);
    h *= 0xff51afd7ed558ccdL;
    h ^= (h >>> 33);
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= (h >>> 33);
    return (h >>> 11) * 0x1.0p-53 < rate;
  }

  /**
   * A mask whose size is its photo's sides swapped, on a photo a viewer shows turned a quarter
   * (EXIF orientation 5 to 8), was drawn on the turned view: say so, since labels follow the pixels
   * as stored. Any other refusal is returned as it is.
   */
  static InvalidMaskException turnedHint(
      InvalidMaskException e,
      byte[] image,
      byte[] mask,
      int width,
      int height,
      DecodeLimits limits) {
    int o = ExifOrientation.of(image);
    if (e.reason() != RejectReason.MASK_WRONG_SIZE || !ExifOrientation.swapsSides(o)) {
      return e;
    }
    ImageDecoder.Header m;
    try {
      m = ImageDecoder.header(mask, limits);
    } catch (InvalidInputException unreadable) {
      return e;
    }
    if (m.width() != height || m.height() != width) {
      return e;
    }
    return new InvalidMaskException(
        e.reason(),
        e.getMessage()
            + " (the image's EXIF orientation "
            + o
            + " shows it turned a quarter in a viewer; gainstream labels the pixels as stored,"
            + " so draw the mask on the image unturned)",
        e);
  }

  private void reject(Record<String, ImageEvent> record, String reason, String detail) {
    if (index != null && !isBlank(record.key())) {
      // a tombstone withdraws the image, and a rejected publication replaces the one before it:
      // either way a newer release does not re-label what was there
      index.delete(record.key());
    }
    RecordMetadata m = context.recordMetadata().orElse(null);
    DeadLetter letter =
        DeadLetters.of(
            DeadLetters.utf8(record.key()),
            record.value() == null ? null : record.value().toByteArray(),
            STAGE,
            reason,
            detail,
            m == null ? "" : m.topic(),
            m == null ? -1 : m.partition(),
            m == null ? -1 : m.offset(),
            record.timestamp());
    metrics.deadLetter(reason);
    context.forward(record.withValue((Message) letter), deadLetterChild);
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
