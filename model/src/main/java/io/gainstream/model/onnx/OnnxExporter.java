package io.gainstream.model.onnx;

import static io.gainstream.model.onnx.GraphBuilder.floatAttr;
import static io.gainstream.model.onnx.GraphBuilder.intAttr;
import static io.gainstream.model.onnx.GraphBuilder.ints;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import io.gainstream.model.image.Upsampling;
import io.gainstream.model.net.GainNetwork;
import io.gainstream.model.net.Head;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.net.SelfErasing;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exports a trained {@link GainNetwork} to an ONNX model (opset 17, IR 8) built in Java.
 *
 * <p>Input {@code images [N,3,S,S]} (floats in [0, 1]); outputs {@code probabilities [N,C]}
 * (sigmoid scores; for an ABN head, its perception branch's) and {@code attention [N,C,S,S]}
 * (ReLU'd CAM, bilinearly upsampled by constant matrices, normalised per image and class to [0, 1])
 * — the same arithmetic as {@link GainNetwork#attention}, so DJL and ONNX Runtime agree to float
 * rounding.
 */
public final class OnnxExporter {
  /** Name of the graph input. */
  public static final String INPUT = "images";

  /** Name of the class-score output. */
  public static final String PROBABILITIES = "probabilities";

  /** Name of the attention-map output. */
  public static final String ATTENTION = "attention";

  static final int OPSET = 17;
  static final int IR_VERSION = 8;

  private OnnxExporter() {}

  /**
   * Serialised ONNX model of the network's current weights, at the input size of {@code info}'s
   * spec: the network's own, or another multiple of its stride (a release may label at a larger
   * size than it trains at; the weights are the same, the grid finer).
   */
  public static byte[] export(GainNetwork net, ModelInfo info) {
    NetworkSpec spec = info.spec();
    if (!spec.withInputSize(net.spec().inputSize()).equals(net.spec())) {
      throw new IllegalArgumentException(
          "model info spec " + info.spec() + " != network spec " + net.spec());
    }
    int s = spec.inputSize();
    int f = net.featureSizeAt(s);
    int c = spec.numClasses();
    GraphBuilder g = new GraphBuilder("gainstream_gain");
    g.input(INPUT, "batch", 3, s, s);
    for (WeightTable.Entry e : WeightTable.of(net)) {
      g.initializer(
          e.onnxName(),
          e.parameter().getArray().getShape().getShape(),
          e.parameter().getArray().toFloatArray());
    }
    String x = net.backbone() != null ? BackboneExport.write(g, net.backbone(), INPUT) : INPUT;
    for (int i = 0; net.backbone() == null && i < spec.depth(); i++) {
      x =
          g.node(
              "Conv",
              "conv" + i,
              new String[] {x, WeightTable.convWeight(i), WeightTable.convBias(i)},
              ints("kernel_shape", 3, 3),
              ints("pads", 1, 1, 1, 1),
              ints("strides", 1, 1));
      x =
          g.node(
              "BatchNormalization",
              "bn" + i,
              new String[] {
                x,
                WeightTable.bn(i, "scale"),
                WeightTable.bn(i, "bias"),
                WeightTable.bn(i, "mean"),
                WeightTable.bn(i, "var")
              },
              floatAttr("epsilon", GainNetwork.BN_EPS));
      x = g.node("Relu", "relu" + i, new String[] {x});
      if (i < spec.depth() - 1) {
        x =
            g.node(
                "MaxPool",
                "pool" + i,
                new String[] {x},
                ints("kernel_shape", 2, 2),
                ints("strides", 2, 2));
      }
    }
    String cam = pointwise(g, "cam", x, WeightTable.CAM_WEIGHT, WeightTable.CAM_BIAS);
    String scored = cam;
    if (net.head() == Head.ABN) {
      scored = abnPerception(g, x, cam);
    }
    String gap = g.node("GlobalAveragePool", "gap", new String[] {scored});
    String logits = g.node("Flatten", "logits", new String[] {gap}, intAttr("axis", 1));
    g.node("Sigmoid", PROBABILITIES, new String[] {logits});

    float[] up = Upsampling.matrix(f, s);
    g.initializer(ScaledRelease.UPSAMPLE_ROWS, new long[] {s, f}, up);
    g.initializer(ScaledRelease.UPSAMPLE_COLS, new long[] {f, s}, Upsampling.transpose(up, s, f));
    g.initializer("norm.eps", new long[] {}, new float[] {GainNetwork.NORM_EPS});
    if (net.head() == Head.SEENET) {
      String b = seenetBranch(g, x, cam, c);
      String a = normalisedMaps(g, cam, "cam", "att_a");
      String bm = normalisedMaps(g, b, "seenet_b", "att_b");
      g.node("Max", ATTENTION, new String[] {a, bm});
    } else {
      normalisedMaps(g, cam, "cam", ATTENTION);
    }
    g.output(PROBABILITIES, "batch", c);
    g.output(ATTENTION, "batch", c, s, s);

    ModelProto.Builder model =
        ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .setProducerName("gainstream")
            .setProducerVersion("1")
            .setModelVersion(info.version())
            .setDocString("GAIN class attention maps; see https://arxiv.org/abs/1802.10171")
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
            .setGraph(g.build());
    Map<String, String> meta = Metadata.write(info);
    if (net.backbone() != null) {
      meta.put(
          Metadata.BACKBONE,
          net.backbone().graph().input() + "\n" + net.backbone().graph().feature());
      meta.put(Metadata.PREPROCESS, net.backbone().preprocessing().encode());
    }
    for (Map.Entry<String, String> m : meta.entrySet()) {
      model.addMetadataProps(
          StringStringEntryProto.newBuilder().setKey(m.getKey()).setValue(m.getValue()));
    }
    return model.build().toByteArray();
  }

  /**
   * Raw maps at the feature grid to maps at input resolution in [0, 1], as {@link
   * GainNetwork#attention}: ReLU, the two constant upsampling matmuls, min-max per image and class.
   * The last node is named {@code output}.
   */
  private static String normalisedMaps(GraphBuilder g, String maps, String prefix, String output) {
    String relu = g.node("Relu", prefix + "_relu", new String[] {maps});
    String wide =
        g.node("MatMul", prefix + "_wide", new String[] {relu, ScaledRelease.UPSAMPLE_COLS});
    String full =
        g.node("MatMul", prefix + "_full", new String[] {ScaledRelease.UPSAMPLE_ROWS, wide});
    String min = spatial(g, "ReduceMin", output + "_min", full);
    String max = spatial(g, "ReduceMax", output + "_max", full);
    String shifted = g.node("Sub", output + "_shifted", new String[] {full, min});
    String range = g.node("Sub", output + "_range", new String[] {max, min});
    String den = g.node("Add", output + "_den", new String[] {range, "norm.eps"});
    return g.node("Div", output, new String[] {shifted, den});
  }

  /**
   * SeeNet's S_B maps, as {@link GainNetwork}'s forward computes them: the C-ReLU, by each class's
   * ternary mask from S_A's maps ({@link io.gainstream.model.net.SelfErasing}), of the branch's
   * conv of relu(features) without its bias, the bias added after.
   */
  private static String seenetBranch(GraphBuilder g, String x, String cam, int c) {
    String relu = g.node("Relu", "seenet_a_relu", new String[] {cam});
    String max = spatial(g, "ReduceMax", "seenet_a_max", relu);
    String den = g.node("Add", "seenet_a_den", new String[] {max, "norm.eps"});
    String norm = g.node("Div", "seenet_a_norm", new String[] {relu, den});
    g.initializer("seenet.high", new long[] {}, new float[] {SelfErasing.HIGH});
    g.initializer("seenet.low", new long[] {}, new float[] {SelfErasing.LOW});
    g.initializer("seenet.one", new long[] {}, new float[] {1f});
    g.initializer("seenet.shape", new long[] {4}, new long[] {1, c, 1, 1});
    String high = zone(g, "Greater", "seenet_high", norm, "seenet.high");
    String low = zone(g, "Less", "seenet_low", norm, "seenet.low");
    // 1 − high − 2·low: 0 in the attention zone, −1 in the background, 1 in the potential zone
    String minusHigh = g.node("Sub", "seenet_t1", new String[] {"seenet.one", high});
    String minusLow = g.node("Sub", "seenet_t2", new String[] {minusHigh, low});
    String ternary = g.node("Sub", "seenet_ternary", new String[] {minusLow, low});
    String features = g.node("Relu", "seenet_features", new String[] {x});
    String z = pointwise(g, "seenet_conv", features, WeightTable.SEENET_WEIGHT);
    String response = g.node("Relu", "seenet_response", new String[] {z});
    String erased = g.node("Mul", "seenet_erased", new String[] {response, ternary});
    String bias =
        g.node("Reshape", "seenet_bias", new String[] {WeightTable.SEENET_BIAS, "seenet.shape"});
    return g.node("Add", "seenet_b", new String[] {erased, bias});
  }

  /** A reduction over the two spatial axes of N×C×H×W maps, keeping them (N×C×1×1). */
  private static String spatial(GraphBuilder g, String op, String name, String maps) {
    return g.node(op, name, new String[] {maps}, ints("axes", 2, 3), intAttr("keepdims", 1));
  }

  /** 1.0 where {@code op(maps, threshold)} holds, else 0.0 (a comparison cast to float). */
  private static String zone(
      GraphBuilder g, String op, String name, String maps, String threshold) {
    String test = g.node(op, name + "_test", new String[] {maps, threshold});
    return g.node("Cast", name, new String[] {test}, intAttr("to", 1));
  }

  /**
   * ABN's perception branch on the features {@code x}: {@code M = sigmoid(conv(cam))}, then the
   * perception conv on {@code (1 + M) · x}; returns its class maps, which the caller pools into the
   * scores. The attention output stays the attention branch's CAM.
   */
  private static String abnPerception(GraphBuilder g, String x, String cam) {
    String gate =
        pointwise(
            g,
            "abn_attention",
            cam,
            WeightTable.ABN_ATTENTION_WEIGHT,
            WeightTable.ABN_ATTENTION_BIAS);
    String m = g.node("Sigmoid", "abn_gate", new String[] {gate});
    g.initializer("abn.one", new long[] {}, new float[] {1f});
    String onePlus = g.node("Add", "abn_one_plus_gate", new String[] {m, "abn.one"});
    String gated = g.node("Mul", "abn_gated", new String[] {x, onePlus});
    return pointwise(
        g,
        "abn_perception",
        gated,
        WeightTable.ABN_PERCEPTION_WEIGHT,
        WeightTable.ABN_PERCEPTION_BIAS);
  }

  /** A 1×1 convolution of {@code input} by the named weight (and bias, when given). */
  private static String pointwise(GraphBuilder g, String name, String input, String... weights) {
    String[] inputs = new String[1 + weights.length];
    inputs[0] = input;
    System.arraycopy(weights, 0, inputs, 1, weights.length);
    return g.node("Conv", name, inputs, ints("kernel_shape", 1, 1));
  }

  /** Metadata keys, shared with the importer. */
  static final class Metadata {
    static final String SPEC = "gainstream.spec";
    static final String CLASSES = "gainstream.classes";
    static final String METHOD = "gainstream.method";
    static final String VERSION = "gainstream.version";
    static final String STEPS = "gainstream.steps";
    static final String MINING = "gainstream.mining_active";
    static final String EXTRA_PREFIX = "gainstream.extra.";
    static final String INPUT_LAYOUT = "gainstream.input";
    static final String RESIZE = "gainstream.resize";

    /**
     * The one resize policy ({@link io.gainstream.model.image.Letterbox}); the first word of {@link
     * #RESIZE}.
     */
    static final String LETTERBOX = "letterbox";

    /** Input and feature-map names of an imported backbone (absent for the built-in network). */
    static final String BACKBONE = "gainstream.backbone";

    /** The backbone's normalisation, {@link io.gainstream.model.backbone.Preprocessing#encode}. */
    static final String PREPROCESS = "gainstream.preprocess";

    private Metadata() {}

    static Map<String, String> write(ModelInfo info) {
      Map<String, String> m = new LinkedHashMap<>();
      NetworkSpec s = info.spec();
      m.put(SPEC, s.inputSize() + "," + s.width() + "," + s.depth() + "," + s.numClasses());
      m.put(CLASSES, String.join("\n", info.classes()));
      m.put(METHOD, info.method());
      m.put(VERSION, Long.toString(info.version()));
      m.put(STEPS, Long.toString(info.steps()));
      m.put(MINING, Boolean.toString(info.miningActive()));
      // what the graph expects of its input, for readers other than gainstream (normalisation,
      // where
      // there is one, is inside the graph and named under PREPROCESS)
      m.put(INPUT_LAYOUT, "NCHW float32, RGB in [0, 1], " + s.inputSize() + "x" + s.inputSize());
      m.put(
          RESIZE,
          LETTERBOX
              + ": the long side resized to the input, centred, the rest padded with RGB (124, 116, 104); "
              + "maps: that window cut out and resized back to the image's own size");
      info.extra().forEach((k, v) -> m.put(EXTRA_PREFIX + k, v));
      return m;
    }
  }
}
