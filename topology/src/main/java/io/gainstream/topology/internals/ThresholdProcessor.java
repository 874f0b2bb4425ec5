package io.gainstream.topology.internals;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.gainstream.model.labels.ImageLabeler;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.proto.v1.AttentionResult;
import io.gainstream.proto.v1.ClassAttention;
import io.gainstream.proto.v1.DeadLetter;
import io.gainstream.proto.v1.ProxyLabel;
import io.gainstream.topology.PipelineConfig;
import io.gainstream.topology.errors.DeadLetters;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The thresholding stage: attention maps → proxy label at the image's own size (VOC palette PNG,
 * 255 = ignore), GAIN soft masks and SeeNet ternary masks per labelled class, and the class scores.
 */
public final class ThresholdProcessor implements Processor<String, AttentionResult, String, Message> {
  public static final String STAGE = "threshold";

  private final ImageLabeler labeler;
  private final List<String> classNames;
  private final String labelChild;
  private final String deadLetterChild;
  private ProcessorContext<String, Message> context;

  public ThresholdProcessor(PipelineConfig config, String labelChild, String deadLetterChild) {
    this.labeler = new ImageLabeler(config.labelerSettings());
    this.classNames = config.classes().names();
    this.labelChild = labelChild;
    this.deadLetterChild = deadLetterChild;
  }

  @Override
  public void init(ProcessorContext<String, Message> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, AttentionResult> record) {
    AttentionResult a = record.value();
    ProxyLabel label;
    try {
      label = label(a);
    } catch (RuntimeException e) {
      DeadLetter letter =
          DeadLetters.of(DeadLetters.utf8(record.key()), a.toByteArray(), STAGE, DeadLetters.LABELLING_FAILED,
              e.getMessage(), "", -1, -1, record.timestamp());
      context.forward(record.withValue((Message) letter), deadLetterChild);
      return;
    }
    context.forward(record.withValue((Message) label), labelChild);
  }

  ProxyLabel label(AttentionResult a) {
    int n = a.getClassesCount();
    float[][] maps = new float[n][];
    int[] classes = new int[n];
    for (int c = 0; c < n; c++) {
      ClassAttention ca = a.getClasses(c);
      classes[c] = ca.getClassIndex();
      maps[c] = new float[ca.getMapCount()];
      for (int i = 0; i < maps[c].length; i++) {
        maps[c][i] = ca.getMap(i);
      }
    }
    int w = a.getOriginalWidth();
    int h = a.getOriginalHeight();
    ImageLabeler.Result r = labeler.label(maps, classes, a.getWidth(), w, h);
    ProxyLabel.Builder out =
        ProxyLabel.newBuilder()
            .setImageId(a.getImageId())
            .setModelVersion(a.getModelVersion())
            .setClassPng(ByteString.copyFrom(LabelPng.writePalette(r.classMap(), w, h)))
            .setWidth(w)
            .setHeight(h)
            .setSource(a.getSource());
    for (int k : classes) {
      String name = classNames.get(k - 1);
      out.putSoftMasks(name, ByteString.copyFrom(LabelPng.writeGray(r.softMasks().get(k), w, h)));
      out.putTernaryMasks(name, ByteString.copyFrom(LabelPng.writeGray(r.zones().get(k), w, h)));
    }
    for (int k = 1; k <= a.getScoresCount(); k++) {
      out.putScores(classNames.get(k - 1), a.getScores(k - 1));
    }
    return out.build();
  }
}
