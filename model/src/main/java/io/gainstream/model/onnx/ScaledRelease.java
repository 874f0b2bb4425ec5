package io.gainstream.model.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.gainstream.model.image.Upsampling;
import io.gainstream.model.labels.TtaScales;
import java.util.List;

/**
 * A release rewritten for another input side, for multi-scale test-time fusion: the same nodes and
 * weights, the input and attention declared at the new side, and the two constant upsampling
 * matrices rebuilt for the new feature grid. The result is what {@link OnnxExporter} writes for the
 * same weights at that side, without needing the training engine: the pipeline does this on every
 * release it loads.
 *
 * <p>Why rewrite rather than one graph with dynamic sizes: the release upsamples its maps with
 * constant matrices (see {@link Upsampling}) so that DJL and every ONNX runtime compute the same
 * interpolation; those constants fix the side. A convolutional backbone itself takes any multiple
 * of its stride. A backbone whose graph fixes a shape internally (a Reshape to fixed dims) fails
 * when its scaled session opens or first runs, with ONNX Runtime's message.
 */
public final class ScaledRelease {
  static final String UPSAMPLE_ROWS = "upsample.rows";
  static final String UPSAMPLE_COLS = "upsample.cols";

  /** The release's input side, feature grid side and stride. */
  public record Geometry(int inputSize, int featureSize) {
    public int stride() {
      return inputSize / featureSize;
    }

    /**
     * The side that takes the image at {@code scale} times the release's: the nearest multiple of
     * the stride, at least one stride.
     */
    public int sizeAt(double scale) {
      if (!(scale > 0)) {
        throw new IllegalArgumentException("scale must be positive, got " + scale);
      }
      return (int) Math.max(1, Math.round(scale * inputSize / stride())) * stride();
    }
  }

  private ScaledRelease() {}

  /**
   * The other input sides a release runs at for {@code scales}: distinct, in order, without its
   * own. Empty for one scale, without reading the release.
   */
  public static List<Integer> otherSides(byte[] onnx, TtaScales scales) {
    if (scales.isSingle()) {
      return List.of();
    }
    Geometry geo = geometry(onnx);
    return scales.others().stream()
        .map(geo::sizeAt)
        .filter(z -> z != geo.inputSize())
        .distinct()
        .toList();
  }

  /** The input side and feature grid of a gainstream release. */
  public static Geometry geometry(byte[] onnx) {
    return geometry(OnnxImporter.parseModel(onnx).getGraph());
  }

  private static Geometry geometry(GraphProto g) {
    for (TensorProto t : g.getInitializerList()) {
      if (t.getName().equals(UPSAMPLE_ROWS)) {
        if (t.getDimsCount() != 2 || t.getDims(0) % t.getDims(1) != 0) {
          throw new InvalidModelException(
              "release's " + UPSAMPLE_ROWS + " is not an S×F matrix with F dividing S");
        }
        return new Geometry((int) t.getDims(0), (int) t.getDims(1));
      }
    }
    throw new InvalidModelException(
        "release has no '" + UPSAMPLE_ROWS + "': not a gainstream export");
  }

  /**
   * The release at input side {@code size} (a multiple of its stride).
   *
   * @throws InvalidModelException when the bytes are not a gainstream release
   */
  public static byte[] at(byte[] onnx, int size) {
    ModelProto model = OnnxImporter.parseModel(onnx);
    Geometry geo = geometry(model.getGraph());
    if (size == geo.inputSize()) {
      return onnx;
    }
    if (size < geo.stride() || size % geo.stride() != 0) {
      throw new IllegalArgumentException(
          "side " + size + " is not a positive multiple of the release's stride " + geo.stride());
    }
    int f = size / geo.stride();
    float[] up = Upsampling.matrix(f, size);
    GraphProto.Builder g = model.getGraph().toBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      String name = g.getInitializer(i).getName();
      if (name.equals(UPSAMPLE_ROWS)) {
        g.setInitializer(i, GraphBuilder.floats(name, new long[] {size, f}, up));
      } else if (name.equals(UPSAMPLE_COLS)) {
        g.setInitializer(
            i, GraphBuilder.floats(name, new long[] {f, size}, Upsampling.transpose(up, size, f)));
      }
    }
    for (int i = 0; i < g.getInputCount(); i++) {
      if (g.getInput(i).getName().equals(OnnxExporter.INPUT)) {
        g.setInput(i, GraphBuilder.valueInfo(OnnxExporter.INPUT, "batch", 3, size, size));
      }
    }
    for (int i = 0; i < g.getOutputCount(); i++) {
      ValueInfoProto o = g.getOutput(i);
      if (o.getName().equals(OnnxExporter.ATTENTION)) {
        long classes = o.getType().getTensorType().getShape().getDim(1).getDimValue();
        g.setOutput(
            i, GraphBuilder.valueInfo(OnnxExporter.ATTENTION, "batch", classes, size, size));
      }
    }
    ModelProto.Builder m = model.toBuilder().setGraph(g);
    for (int i = 0; i < m.getMetadataPropsCount(); i++) {
      StringStringEntryProto p = m.getMetadataProps(i);
      String v = p.getValue();
      if (p.getKey().equals(OnnxExporter.Metadata.SPEC)) {
        v = size + v.substring(v.indexOf(','));
      } else if (p.getKey().equals(OnnxExporter.Metadata.INPUT_LAYOUT)) {
        v = v.replace(geo.inputSize() + "x" + geo.inputSize(), size + "x" + size);
      }
      m.setMetadataProps(i, p.toBuilder().setValue(v));
    }
    return m.build().toByteArray();
  }
}
