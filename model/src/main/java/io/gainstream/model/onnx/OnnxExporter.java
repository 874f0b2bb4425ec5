package io.gainstream.model.onnx;

import static io.gainstream.model.onnx.GraphBuilder.floatAttr;
import static io.gainstream.model.onnx.GraphBuilder.intAttr;
import static io.gainstream.model.onnx.GraphBuilder.ints;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import io.gainstream.model.net.GainNetwork;
import io.gainstream.model.net.Head;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.net.Upsampling;
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
    String cam =
        g.node(
            "Conv",
            "cam",
            new String[] {x, WeightTable.CAM_WEIGHT, WeightTable.CAM_BIAS},
            ints("kernel_shape", 1, 1));
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
    String relu = g.node("Relu", "cam_relu", new String[] {cam});
    String wide = g.node("MatMul", "cam_wide", new String[] {relu, ScaledRelease.UPSAMPLE_COLS});
    String full = g.node("MatMul", "cam_full", new String[] {ScaledRelease.UPSAMPLE_ROWS, wide});
    String min =
        g.node(
            "ReduceMin",
            "att_min",
            new String[] {full},
            ints("axes", 2, 3),
            intAttr("keepdims", 1));
    String max =
        g.node(
            "ReduceMax",
            "att_max",
            new String[] {full},
            ints("axes", 2, 3),
            intAttr("keepdims", 1));
    String shifted = g.node("Sub", "att_shifted", new String[] {full, min});
    String range = g.node("Sub", "att_range", new String[] {max, min});
    String den = g.node("Add", "att_den", new String[] {range, "norm.eps"});
    g.node("Div", ATTENTION, new String[] {shifted, den});
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
   * ABN's perception branch on the features {@code x}: {@code M = sigmoid(conv(cam))}, then the
   * perception conv on {@code (1 + M) · x}; returns its class maps, which the caller pools into the
   * scores. The attention output stays the attention branch's CAM.
   */
  private static String abnPerception(GraphBuilder g, String x, String cam) {
    String gate =
        g.node(
            "Conv",
            "abn_attention",
            new String[] {cam, WeightTable.ABN_ATTENTION_WEIGHT, WeightTable.ABN_ATTENTION_BIAS},
            ints("kernel_shape", 1, 1));
    String m = g.node("Sigmoid", "abn_gate", new String[] {gate});
    g.initializer("abn.one", new long[] {}, new float[] {1f});
    String onePlus = g.node("Add", "abn_one_plus_gate", new String[] {m, "abn.one"});
    String gated = g.node("Mul", "abn_gated", new String[] {x, onePlus});
    return g.node(
        "Conv",
        "abn_perception",
        new String[] {gated, WeightTable.ABN_PERCEPTION_WEIGHT, WeightTable.ABN_PERCEPTION_BIAS},
        ints("kernel_shape", 1, 1));
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
