package io.gainstream.model.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import io.gainstream.model.backbone.OnnxBackbone;
import io.gainstream.model.backbone.Preprocessing;
import io.gainstream.model.net.GainNetwork;
import io.gainstream.model.net.Head;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.onnx.OnnxExporter.Metadata;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a released ONNX model back: its {@link ModelInfo} from the metadata, and its weights into a
 * DJL {@link GainNetwork} of the same spec, so training resumes from a release exactly where it
 * stopped (batch-norm running statistics included).
 */
public final class OnnxImporter {
  private OnnxImporter() {}

  /** The model info of an export; fails with {@link InvalidModelException} on foreign files. */
  public static ModelInfo readInfo(byte[] onnx) {
    return info(parseModel(onnx));
  }

  /**
   * Copies the weights of {@code onnx} into {@code net}, which must be initialised and have the
   * export's spec, input size apart (a release may label at another size than it trained at).
   */
  public static ModelInfo load(byte[] onnx, GainNetwork net) {
    ModelProto model = parseModel(onnx);
    ModelInfo info = info(model);
    if (!info.spec().withInputSize(net.spec().inputSize()).equals(net.spec())) {
      throw new InvalidModelException(
          "model spec " + info.spec() + " does not match the network's " + net.spec());
    }
    String backbone =
        model.getMetadataPropsList().stream()
            .filter(p -> p.getKey().equals(Metadata.BACKBONE))
            .map(StringStringEntryProto::getValue)
            .findFirst()
            .orElse(null);
    if ((backbone == null) != (net.backbone() == null)) {
      throw new InvalidModelException(
          backbone == null
              ? "the release has the built-in network, this trainer an imported backbone"
              : "the release has an imported backbone, this trainer the built-in network");
    }
    if (backbone != null) {
      String pre =
          model.getMetadataPropsList().stream()
              .filter(p -> p.getKey().equals(Metadata.PREPROCESS))
              .map(StringStringEntryProto::getValue)
              .findFirst()
              .orElse(null);
      Preprocessing theirs = pre == null ? null : Preprocessing.decode(pre);
      if (!net.backbone().preprocessing().equals(theirs)) {
        throw new InvalidModelException(
            "the release normalises its input with "
                + theirs
                + ", this trainer's backbone with "
                + net.backbone().preprocessing());
      }
    }
    Map<String, TensorProto> inits = new HashMap<>();
    for (TensorProto t : model.getGraph().getInitializerList()) {
      inits.put(t.getName(), t);
    }
    Head theirs =
        inits.containsKey(WeightTable.ABN_PERCEPTION_WEIGHT)
            ? Head.ABN
            : inits.containsKey(WeightTable.SEENET_WEIGHT) ? Head.SEENET : Head.CAM;
    if (theirs != net.head()) {
      throw new InvalidModelException(
          "the release ("
              + info.method()
              + ") has "
              + describe(theirs)
              + ", this trainer's network "
              + describe(net.head())
              + ": train it on with a method of the same head");
    }
    for (WeightTable.Entry e : WeightTable.of(net)) {
      TensorProto t = inits.get(e.onnxName());
      if (t == null) {
        throw new InvalidModelException("model has no initializer '" + e.onnxName() + "'");
      }
      long[] want = e.parameter().getArray().getShape().getShape();
      long[] got = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
      if (!Arrays.equals(want, got)) {
        throw new InvalidModelException(
            "initializer '"
                + e.onnxName()
                + "' has shape "
                + Arrays.toString(got)
                + ", expected "
                + Arrays.toString(want));
      }
      e.parameter().getArray().set(floats(t));
    }
    return info;
  }

  private static String describe(Head head) {
    return switch (head) {
      case ABN -> "ABN's attention and perception branches";
      case SEENET -> "SeeNet's self-erasing branches";
      case CAM -> "a CAM head";
    };
  }

  /** The bytes as an ONNX model, or a one-line {@link InvalidModelException}. */
  static ModelProto parseModel(byte[] onnx) {
    if (onnx == null || onnx.length == 0) {
      throw new InvalidModelException("model bytes are empty");
    }
    try {
      return ModelProto.parseFrom(onnx);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidModelException("not an ONNX model: " + e.getMessage(), e);
    }
  }

  private static ModelInfo info(ModelProto model) {
    Map<String, String> meta = new HashMap<>();
    for (StringStringEntryProto p : model.getMetadataPropsList()) {
      meta.put(p.getKey(), p.getValue());
    }
    String spec = require(meta, Metadata.SPEC);
    String resize = meta.get(Metadata.RESIZE);
    if (resize != null && !resize.startsWith(Metadata.LETTERBOX)) {
      // a release of an older gainstream stretched images; boxing them here would shift its maps
      throw new InvalidModelException(
          "release resizes by '"
              + resize.split(":")[0]
              + "', this gainstream by "
              + Metadata.LETTERBOX
              + ": retrain it with this version");
    }
    int[] v;
    try {
      v = Arrays.stream(spec.split(",")).mapToInt(Integer::parseInt).toArray();
    } catch (NumberFormatException e) {
      throw new InvalidModelException("bad " + Metadata.SPEC + " '" + spec + "'", e);
    }
    if (v.length != 4) {
      throw new InvalidModelException("bad " + Metadata.SPEC + " '" + spec + "'");
    }
    NetworkSpec ns;
    try {
      ns = new NetworkSpec(v[0], v[1], v[2], v[3]);
    } catch (IllegalArgumentException e) {
      throw new InvalidModelException("bad " + Metadata.SPEC + ": " + e.getMessage(), e);
    }
    Map<String, String> extra = new HashMap<>();
    meta.forEach(
        (k, val) -> {
          if (k.startsWith(Metadata.EXTRA_PREFIX)) {
            extra.put(k.substring(Metadata.EXTRA_PREFIX.length()), val);
          }
        });
    try {
      return new ModelInfo(
          ns,
          List.of(require(meta, Metadata.CLASSES).split("\n", -1)),
          require(meta, Metadata.METHOD),
          Long.parseLong(require(meta, Metadata.VERSION)),
          Long.parseLong(meta.getOrDefault(Metadata.STEPS, "0")),
          Boolean.parseBoolean(meta.getOrDefault(Metadata.MINING, "false")),
          extra);
    } catch (IllegalArgumentException e) {
      throw new InvalidModelException("bad gainstream metadata: " + e.getMessage(), e);
    }
  }

  private static String require(Map<String, String> meta, String key) {
    String v = meta.get(key);
    if (v == null) {
      throw new InvalidModelException(
          "model has no metadata '" + key + "': not a gainstream export");
    }
    return v;
  }

  private static float[] floats(TensorProto t) {
    if (t.getDataType() != TensorProto.DataType.FLOAT.getNumber()) {
      throw new InvalidModelException("initializer '" + t.getName() + "' is not float32");
    }
    return OnnxBackbone.floats(t);
  }
}
