package io.gainstream.topology.internals;

import com.google.protobuf.Message;
import com.google.protobuf.UnsafeByteOperations;
import io.gainstream.model.labels.ImageLabeler;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.proto.v1.DeadLetter;
import io.gainstream.proto.v1.ProxyLabel;
import io.gainstream.topology.PipelineConfig;
import io.gainstream.topology.PipelineMetrics;
import io.gainstream.topology.errors.DeadLetters;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The thresholding stage: attention maps → proxy label at the image's own size (VOC palette PNG,
 * 255 = ignore), GAIN soft masks and SeeNet ternary masks per labelled class, and the class scores.
 * Each result brings its release's {@code LabelPath}: the thresholds and refinement of its recipe,
 * resolved once by the attention stage of this task when the release was swapped in.
 */
public final class ThresholdProcessor implements Processor<String, Attended, String, Message> {
  public static final String STAGE = "threshold";

  private final List<String> classNames;
  private final String labelChild;
  private final String deadLetterChild;
  private final PipelineMetrics metrics;
  private final PipelineConfig config;

  /** The mask model fused into every label, or null without one (opened in {@link #init}). */
  private MaskStage mask;

  private ProcessorContext<String, Message> context;

  public ThresholdProcessor(
      PipelineConfig config, String labelChild, String deadLetterChild, PipelineMetrics metrics) {
    this.classNames = config.classes().names();
    this.labelChild = labelChild;
    this.deadLetterChild = deadLetterChild;
    this.metrics = metrics;
    this.config = config;
  }

  @Override
  public void init(ProcessorContext<String, Message> context) {
    this.context = context;
    this.mask =
        config
            .mask()
            .map(m -> new MaskStage(m, config.inferenceOptions(), config.decodeLimits()))
            .orElse(null);
  }

  @Override
  public void close() {
    if (mask != null) {
      mask.close();
      mask = null;
    }
  }

  @Override
  public void process(Record<String, Attended> record) {
    long t0 = System.nanoTime();
    Attended a = record.value();
    ProxyLabel label;
    try {
      label = label(a);
    } catch (RuntimeException e) {
      DeadLetter letter =
          DeadLetters.of(
              DeadLetters.utf8(record.key()),
              a.toProto(classNames).toByteArray(),
              STAGE,
              DeadLetters.LABELLING_FAILED,
              e.getMessage(),
              "",
              -1,
              -1,
              record.timestamp());
      metrics.deadLetter(DeadLetters.LABELLING_FAILED);
      context.forward(record.withValue((Message) letter), deadLetterChild);
      return;
    }
    context.forward(record.withValue((Message) label), labelChild);
    // the record keeps the image's own timestamp (its publication) through the micro-batch
    metrics.labelled(
        System.nanoTime() - t0, a.relabelled(), System.currentTimeMillis() - record.timestamp());
  }

  ProxyLabel label(Attended a) {
    int w = a.originalWidth();
    int h = a.originalHeight();
    ImageLabeler.Result r = a.path().label(a.maps(), a.classes(), w, h, a.rgb());
    byte[] classMap = r.classMap();
    byte[] unfused = null;
    if (mask != null && a.rgb() != null) {
      unfused = classMap;
      classMap = mask.fuse(a, r);
    }
    ProxyLabel.Builder out =
        ProxyLabel.newBuilder()
            .setImageId(a.imageId())
            .setModelVersion(a.modelVersion())
            .setModelMethod(a.modelMethod())
            .setLabelledMs(System.currentTimeMillis())
            .setClassPng(UnsafeByteOperations.unsafeWrap(LabelPng.writePalette(classMap, w, h)))
            .setWidth(w)
            .setHeight(h)
            .setSource(a.source());
    if (unfused != null) {
      out.setUnfusedClassPng(UnsafeByteOperations.unsafeWrap(LabelPng.writePalette(unfused, w, h)))
          .setMaskModel(mask.model())
          .setFusion(mask.fusion());
    }
    if (r.unrefinedClassMap() != null) {
      out.setUnrefinedClassPng(
          UnsafeByteOperations.unsafeWrap(LabelPng.writePalette(r.unrefinedClassMap(), w, h)));
    }
    for (int k : a.classes()) {
      String name = classNames.get(k - 1);
      out.putSoftMasks(
          name, UnsafeByteOperations.unsafeWrap(LabelPng.writeGray(r.softMasks().get(k), w, h)));
      out.putTernaryMasks(
          name, UnsafeByteOperations.unsafeWrap(LabelPng.writeGray(r.zones().get(k), w, h)));
    }
    float[] scores = a.scores();
    for (int k = 1; k <= scores.length; k++) {
      out.putScores(classNames.get(k - 1), scores[k - 1]);
    }
    return out.build();
  }
}
