package io.gainstream.model.onnx;

import static io.gainstream.model.onnx.GraphBuilder.floatAttr;
import static io.gainstream.model.onnx.GraphBuilder.intAttr;
import static io.gainstream.model.onnx.GraphBuilder.ints;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Random;

/**
 * Small ImageNet-style classifiers generated in test code, the way {@code torch.onnx.export} writes
 * them: a ResNet-like one (conv + batch-norm + ReLU, residual adds, max pooling) and a
 * MobileNet-like one (depthwise convolutions, ReLU6 as Clip with a Constant-node bound, hard-swish,
 * a hard-sigmoid gate, concat, average pooling), each ending in GlobalAveragePool → Flatten → Gemm.
 * Random weights from a seed; batch-norm statistics that are not trivial.
 */
public final class TestBackbones {
  private final GraphBuilder g = new GraphBuilder("test-backbone");
  private final Random rnd;
  private int count;

  private TestBackbones(long seed) {
    this.rnd = new Random(seed);
  }

  /** Classes of the dropped classifier. */
  public static final int CLASSES = 10;

  public static byte[] resnetLike(long seed) {
    TestBackbones b = new TestBackbones(seed);
    String x = b.convBnRelu("input", 3, 8, 3, 2, 1);
    x =
        b.node(
            "MaxPool",
            new String[] {x},
            ints("kernel_shape", 3, 3),
            ints("strides", 2, 2),
            ints("pads", 1, 1, 1, 1));
    String y = b.convBnRelu(x, 8, 8, 3, 1, 1);
    y = b.bn(b.conv(y, 8, 8, 3, 1, 1, 1, 1), 8);
    x = b.node("Relu", new String[] {b.node("Add", new String[] {x, y})});
    // a downsampling residual block with a 1x1 projection
    String z = b.convBnRelu(x, 8, 16, 3, 2, 1);
    z = b.bn(b.conv(z, 16, 16, 3, 1, 1, 1, 1), 16);
    String proj = b.bn(b.conv(x, 8, 16, 1, 2, 0, 1, 1), 16);
    x = b.node("Relu", new String[] {b.node("Add", new String[] {z, proj})});
    // a dilated stage keeps the resolution
    x = b.convBnRelu(b.conv(x, 16, 16, 3, 1, 2, 2, 1), 16);
    return b.classifier(x, 16, "feature", 13);
  }

  public static byte[] mobilenetLike(long seed) {
    TestBackbones b = new TestBackbones(seed);
    String x = b.relu6(b.bn(b.conv("input", 3, 8, 3, 2, 1, 1, 1), 8));
    // inverted residual: expand 1x1, depthwise 3x3, project 1x1, add
    String e = b.node("HardSwish", new String[] {b.bn(b.conv(x, 8, 16, 1, 1, 0, 1, 1), 16)});
    String d = b.relu6(b.bn(b.conv(e, 16, 16, 3, 1, 1, 1, 16), 16));
    // a hard-sigmoid gate on the depthwise output (squeeze-excitation style, per pixel here)
    String gate =
        b.node(
            "HardSigmoid",
            new String[] {b.conv(d, 16, 16, 1, 1, 0, 1, 1)},
            floatAttr("alpha", 1f / 6),
            floatAttr("beta", 0.5f));
    d = b.node("Mul", new String[] {d, gate});
    String p = b.bn(b.conv(d, 16, 8, 1, 1, 0, 1, 1), 8);
    x = b.node("Add", new String[] {x, p});
    String l =
        b.node(
            "LeakyRelu", new String[] {b.conv(x, 8, 8, 3, 2, 1, 1, 8)}, floatAttr("alpha", 0.1f));
    String s = b.node("Sigmoid", new String[] {b.conv(x, 8, 8, 1, 2, 0, 1, 1)});
    x = b.node("Concat", new String[] {l, s}, intAttr("axis", 1));
    x =
        b.node(
            "AveragePool",
            new String[] {x},
            ints("kernel_shape", 3, 3),
            ints("strides", 1, 1),
            ints("pads", 1, 1, 1, 1));
    x = b.node("Dropout", new String[] {b.node("Identity", new String[] {x})});
    return b.classifier(x, 16, "feature", 14);
  }

  /** A valid classifier whose feature extractor uses an op outside the supported set. */
  public static byte[] withUnsupportedOp() {
    TestBackbones b = new TestBackbones(1);
    String x = b.node("Softplus", new String[] {b.conv("input", 3, 4, 3, 1, 1, 1, 1)});
    return b.classifier(x, 4, "feature", 13);
  }

  /** A classifier that flattens the image and has no spatial pooling. */
  public static byte[] withoutPooling() {
    TestBackbones b = new TestBackbones(1);
    String x =
        b.node("Flatten", new String[] {b.conv("input", 3, 4, 3, 1, 1, 1, 1)}, intAttr("axis", 1));
    b.g.output(x, "N", 4 * 32 * 32);
    return b.model(13, 4);
  }

  /** Same as {@link #resnetLike} with a rank-3 input. */
  public static byte[] withRank3Input() {
    TestBackbones b = new TestBackbones(1);
    String x = b.conv("input", 3, 4, 3, 1, 1, 1, 1);
    return b.classifier(x, 4, "feature", 13, 3);
  }

  private byte[] classifier(String feature, int channels, String featureName, int opset) {
    return classifier(feature, channels, featureName, opset, 4);
  }

  private byte[] classifier(
      String feature, int channels, String featureName, int opset, int inputRank) {
    String f = node("Identity", new String[] {feature}, featureName);
    String pooled = node("GlobalAveragePool", new String[] {f});
    String flat = node("Flatten", new String[] {pooled}, intAttr("axis", 1));
    String w = init(new long[] {CLASSES, channels}, 0.2f);
    String bias = init(new long[] {CLASSES}, 0.1f);
    String logits = node("Gemm", new String[] {flat, w, bias}, intAttr("transB", 1));
    g.output(logits, "N", CLASSES);
    return model(opset, inputRank);
  }

  private byte[] model(int opset, int inputRank) {
    if (inputRank == 4) {
      g.input("input", "N", 3, "H", "W");
    } else {
      g.input("input", 3, "H", "W");
    }
    return ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(g.build())
        .build()
        .toByteArray();
  }

  private String convBnRelu(String x, int in, int out, int k, int stride, int pad) {
    return node("Relu", new String[] {bn(conv(x, in, out, k, stride, pad, 1, 1), out)});
  }

  private String convBnRelu(String x, int channels) {
    return node("Relu", new String[] {bn(x, channels)});
  }

  private String relu6(String x) {
    return node("Clip", new String[] {x, scalar(0f), constantNode(6f)});
  }

  /**
   * A scalar as a Constant node (how torch.onnx.export often writes Clip's bounds), not an
   * initializer.
   */
  private String constantNode(float v) {
    TensorProto t =
        TensorProto.newBuilder()
            .setDataType(TensorProto.DataType.FLOAT.getNumber())
            .addFloatData(v)
            .build();
    return node(
        "Constant",
        new String[] {},
        AttributeProto.newBuilder()
            .setName("value")
            .setType(AttributeProto.AttributeType.TENSOR)
            .setT(t)
            .build());
  }

  private String conv(
      String x, int in, int out, int k, int stride, int pad, int dilation, int groups) {
    String w =
        init(new long[] {out, in / groups, k, k}, (float) Math.sqrt(2.0 / (in / groups * k * k)));
    String b = init(new long[] {out}, 0.1f);
    return node(
        "Conv",
        new String[] {x, w, b},
        ints("kernel_shape", k, k),
        ints("strides", stride, stride),
        ints("pads", pad, pad, pad, pad),
        ints("dilations", dilation, dilation),
        intAttr("group", groups));
  }

  private String bn(String x, int c) {
    float[] scale = new float[c];
    float[] shift = new float[c];
    float[] mean = new float[c];
    float[] var = new float[c];
    for (int i = 0; i < c; i++) {
      scale[i] = 0.5f + rnd.nextFloat();
      shift[i] = 0.2f * (float) rnd.nextGaussian();
      mean[i] = 0.3f * (float) rnd.nextGaussian();
      var[i] = 0.5f + rnd.nextFloat();
    }
    long[] d = {c};
    return node(
        "BatchNormalization",
        new String[] {x, init(d, scale), init(d, shift), init(d, mean), init(d, var)},
        floatAttr("epsilon", 1e-5f),
        floatAttr("momentum", 0.9f));
  }

  private String scalar(float v) {
    return init(new long[] {}, new float[] {v});
  }

  private String init(long[] dims, float std) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = std * (float) rnd.nextGaussian();
    }
    return init(dims, v);
  }

  private String init(long[] dims, float[] v) {
    String name = "w" + count++;
    g.initializer(name, dims, v);
    return name;
  }

  private String node(String op, String[] inputs, AttributeProto... attrs) {
    return node(op, inputs, "t" + count++, attrs);
  }

  private String node(String op, String[] inputs, String output, AttributeProto... attrs) {
    return g.node(op, output, inputs, attrs);
  }

  /** The same model with one more graph output: the named tensor (to read it from ONNX Runtime). */
  public static byte[] exposing(byte[] onnx, String tensor) throws Exception {
    ModelProto m = ModelProto.parseFrom(onnx);
    return m.toBuilder()
        .setGraph(
            m.getGraph().toBuilder().addOutput(GraphBuilder.valueInfo(tensor, "N", "C", "h", "w")))
        .build()
        .toByteArray();
  }
}
