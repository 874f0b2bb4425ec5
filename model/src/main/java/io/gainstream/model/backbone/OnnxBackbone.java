package io.gainstream.model.backbone;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ImageNet classifier brought as an ONNX file, cut down to its feature extractor: the nodes that
 * compute the last spatial feature map, the input of the final global average pooling. What follows
 * the pooling (flatten, classifier) is dropped; gainstream puts its CAM head there.
 *
 * <p>Reading fails with one line ({@link BackboneException}) for a file that is not ONNX, an input
 * that is not one float image batch {@code [N, 3, H, W]}, a graph without a global average pooling
 * over a spatial map, or an op before the pooling that {@link BackboneBlock} cannot compute (the
 * message names the op and the node).
 */
public final class OnnxBackbone {
  /**
   * Ops the feature extractor may use (what torchvision, timm and Keras exports of CNNs contain).
   */
  public static final Set<String> SUPPORTED =
      Set.of(
          "Conv",
          "BatchNormalization",
          "Relu",
          "Clip",
          "LeakyRelu",
          "Sigmoid",
          "HardSigmoid",
          "HardSwish",
          "Mul",
          "Add",
          "MaxPool",
          "AveragePool",
          "GlobalAveragePool",
          "Flatten",
          "Reshape",
          "Gemm",
          "Concat",
          "Identity",
          "Dropout",
          "Constant");

  /** Newest opset a backbone may use: the release graph it is copied into is opset 17. */
  public static final int MAX_OPSET = 17;

  private final int opset;
  private final String input;
  private final String feature;
  private final List<NodeProto> nodes;
  private final Map<String, TensorProto> initializers;

  private OnnxBackbone(
      int opset,
      String input,
      String feature,
      List<NodeProto> nodes,
      Map<String, TensorProto> initializers) {
    this.opset = opset;
    this.input = input;
    this.feature = feature;
    this.nodes = List.copyOf(nodes);
    this.initializers = initializers;
  }

  /** Parses and cuts a classifier; see the class comment for what is refused. */
  public static OnnxBackbone read(byte[] onnx) {
    ModelProto model;
    try {
      model = ModelProto.parseFrom(onnx);
    } catch (InvalidProtocolBufferException e) {
      throw new BackboneException("not an ONNX model (" + e.getMessage() + ")");
    }
    if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
      throw new BackboneException("not an ONNX model: no graph nodes");
    }
    GraphProto g = model.getGraph();
    int opset =
        model.getOpsetImportList().stream()
            .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
            .mapToInt(o -> (int) o.getVersion())
            .max()
            .orElse(0);
    if (opset > MAX_OPSET) {
      // releases are opset 17 graphs and carry the backbone's nodes as they are
      throw new BackboneException(
          "opset "
              + opset
              + " is newer than "
              + MAX_OPSET
              + "; export the classifier with opset_version="
              + MAX_OPSET);
    }
    Map<String, TensorProto> inits = new LinkedHashMap<>();
    g.getInitializerList().forEach(t -> inits.put(t.getName(), t));
    String input = imageInput(g, inits.keySet());
    NodeProto pool = null;
    for (NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("GlobalAveragePool") || isSpatialReduceMean(n)) {
        pool = n;
      }
    }
    if (pool == null) {
      throw new BackboneException(
          "no global average pooling (GlobalAveragePool, or ReduceMean over axes 2 and 3) in the graph: "
              + "cannot find the last spatial feature map");
    }
    String feature = pool.getInput(0);
    if (feature.equals(input)) {
      throw new BackboneException(
          "the global pooling at node '"
              + name(pool)
              + "' pools the input image itself: no spatial feature map");
    }
    return new OnnxBackbone(
        opset, input, feature, needed(g, feature, input, inits.keySet()), inits);
  }

  private static String imageInput(GraphProto g, Set<String> inits) {
    List<ValueInfoProto> inputs =
        g.getInputList().stream().filter(v -> !inits.contains(v.getName())).toList();
    if (inputs.size() != 1) {
      throw new BackboneException(
          "expected one image input, the graph has "
              + inputs.size()
              + ": "
              + inputs.stream().map(ValueInfoProto::getName).toList());
    }
    ValueInfoProto in = inputs.get(0);
    if (!in.getType().hasTensorType()
        || in.getType().getTensorType().getElemType() != TensorProto.DataType.FLOAT.getNumber()) {
      throw new BackboneException("input '" + in.getName() + "' is not a float32 tensor");
    }
    var shape = in.getType().getTensorType().getShape();
    if (shape.getDimCount() != 4) {
      throw new BackboneException(
          "input '"
              + in.getName()
              + "' has rank "
              + shape.getDimCount()
              + ", expected 4 ([N, 3, H, W])");
    }
    var channels = shape.getDim(1);
    if (channels.hasDimValue() && channels.getDimValue() != 3) {
      throw new BackboneException(
          "input '"
              + in.getName()
              + "' has "
              + channels.getDimValue()
              + " channels, expected 3 (RGB, NCHW)");
    }
    return in.getName();
  }

  private static boolean isSpatialReduceMean(NodeProto n) {
    if (!n.getOpType().equals("ReduceMean")) {
      return false;
    }
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals("axes")) {
        return a.getIntsList().equals(List.of(2L, 3L));
      }
    }
    return false;
  }

  /**
   * The nodes the feature map depends on, in graph order; each checked against {@link #SUPPORTED}.
   */
  private static List<NodeProto> needed(
      GraphProto g, String feature, String input, Set<String> inits) {
    Map<String, NodeProto> producer = new HashMap<>();
    for (NodeProto n : g.getNodeList()) {
      n.getOutputList().forEach(o -> producer.put(o, n));
    }
    Set<NodeProto> keep = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(feature));
    while (!todo.isEmpty()) {
      String t = todo.pop();
      if (t.isEmpty() || t.equals(input) || inits.contains(t)) {
        continue;
      }
      NodeProto n = producer.get(t);
      if (n == null) {
        throw new BackboneException("tensor '" + t + "' has no producer in the graph");
      }
      if (keep.add(n)) {
        if (!SUPPORTED.contains(n.getOpType())) {
          throw new BackboneException(
              "unsupported op "
                  + n.getOpType()
                  + " at node '"
                  + name(n)
                  + "' (supported: "
                  + SUPPORTED.stream().sorted().toList()
                  + ")");
        }
        n.getInputList().forEach(todo::push);
      }
    }
    List<NodeProto> ordered = new ArrayList<>();
    for (NodeProto n : g.getNodeList()) {
      if (keep.contains(n)) {
        ordered.add(n);
      }
    }
    return ordered;
  }

  /** A node's name: the file's, or one made from its op and first output when it has none. */
  public static String name(NodeProto n) {
    return n.getName().isEmpty() ? n.getOpType() + "->" + n.getOutput(0) : n.getName();
  }

  /** The same backbone with other nodes (the same weights), for {@link Dilation}. */
  OnnxBackbone withNodes(List<NodeProto> replaced) {
    return new OnnxBackbone(opset, input, feature, replaced, initializers);
  }

  static List<Long> longs(NodeProto n, String name) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getIntsList();
      }
    }
    return List.of();
  }

  static NodeProto withInts(NodeProto n, String name, List<Long> values) {
    NodeProto.Builder b = n.toBuilder();
    AttributeProto attr =
        AttributeProto.newBuilder()
            .setName(name)
            .setType(AttributeProto.AttributeType.INTS)
            .addAllInts(values)
            .build();
    for (int a = 0; a < b.getAttributeCount(); a++) {
      if (b.getAttribute(a).getName().equals(name)) {
        b.setAttribute(a, attr);
        return b.build();
      }
    }
    return b.addAttribute(attr).build();
  }

  /** The default-domain opset the file was written for. */
  public int opset() {
    return opset;
  }

  /** Name of the image input. */
  public String input() {
    return input;
  }

  /** Name of the last spatial feature map (the pooling's input). */
  public String feature() {
    return feature;
  }

  /** The feature extractor's nodes in graph order. */
  public List<NodeProto> nodes() {
    return nodes;
  }

  /** Whether a tensor name is an initializer (a weight or a constant). */
  public boolean isInitializer(String name) {
    return initializers.containsKey(name);
  }

  /** An initializer as stored in the file. */
  public TensorProto initializer(String name) {
    return initializers.get(name);
  }

  /** An initializer's dimensions. */
  public long[] dims(String name) {
    return initializers.get(name).getDimsList().stream().mapToLong(Long::longValue).toArray();
  }

  /** An initializer's values as floats (float32 and int64 tensors; raw or typed storage). */
  public float[] values(String name) {
    TensorProto t = initializers.get(name);
    if (t == null) {
      throw new BackboneException("no initializer named '" + name + "'");
    }
    return floats(t);
  }

  /** Values of a tensor stored as float32 or int64, raw little-endian or typed. */
  public static float[] floats(TensorProto t) {
    int type = t.getDataType();
    if (type == TensorProto.DataType.FLOAT.getNumber()) {
      if (!t.getRawData().isEmpty()) {
        ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(v);
        return v;
      }
      float[] v = new float[t.getFloatDataCount()];
      for (int i = 0; i < v.length; i++) {
        v[i] = t.getFloatData(i);
      }
      return v;
    }
    if (type == TensorProto.DataType.INT64.getNumber()) {
      if (!t.getRawData().isEmpty()) {
        ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 8];
        for (int i = 0; i < v.length; i++) {
          v[i] = b.getLong();
        }
        return v;
      }
      float[] v = new float[t.getInt64DataCount()];
      for (int i = 0; i < v.length; i++) {
        v[i] = t.getInt64Data(i);
      }
      return v;
    }
    throw new BackboneException(
        "tensor '"
            + t.getName()
            + "' has data type "
            + type
            + "; only float32 and int64 are supported");
  }
}
