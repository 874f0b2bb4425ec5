package io.gainstream.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An {@link OnnxBackbone} as a DJL block: the file's nodes computed one by one with DJL's ops, its
 * weights as trainable parameters initialised from the file, so that training fine-tunes the
 * backbone end to end. Batch normalisation follows the {@code training} flag like DJL's own {@code
 * BatchNorm}: batch statistics (and running-statistics updates) when training, the running
 * statistics otherwise — which is what GAIN's frozen erased stream relies on.
 *
 * <p>Conv weights and biases, batch-norm scales, shifts and statistics, and Gemm weights are
 * parameters; every other initializer (Clip bounds, Reshape shapes, constants of Mul and Add) is a
 * constant of the graph.
 */
public final class BackboneBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  private final OnnxBackbone graph;
  private final Preprocessing preprocessing;

  /** ONNX initializer name → DJL parameter, for the initializers that are weights. */
  private final Map<String, Parameter> weights = new LinkedHashMap<>();

  /** Outputs of Constant nodes. */
  private final Map<String, TensorProto> constants = new HashMap<>();

  /** Nodes with weights, in graph order, and their parameters. */
  private final List<List<Parameter>> weightNodes = new ArrayList<>();

  private final List<NodeProto> nodeOfWeights = new ArrayList<>();

  /** Nodes whose weights are frozen (their batch-norm keeps the file's statistics too). */
  private final Set<NodeProto> frozen = new HashSet<>();

  /** A block that takes RGB in [0, 1] and normalises it as the backbone was trained to see it. */
  public BackboneBlock(OnnxBackbone graph, Preprocessing preprocessing) {
    super(VERSION);
    this.graph = graph;
    this.preprocessing = preprocessing;
    int i = 0;
    for (NodeProto n : graph.nodes()) {
      int before = weights.size();
      switch (n.getOpType()) {
        case "Conv", "Gemm" -> {
          weight(n, 1, Parameter.Type.WEIGHT, i);
          weight(n, 2, Parameter.Type.BIAS, i);
        }
        case "BatchNormalization" -> {
          weight(n, 1, Parameter.Type.GAMMA, i);
          weight(n, 2, Parameter.Type.BETA, i);
          weight(n, 3, Parameter.Type.RUNNING_MEAN, i);
          weight(n, 4, Parameter.Type.RUNNING_VAR, i);
        }
        case "Constant" -> constants.put(n.getOutput(0), OnnxOps.attr(n, "value").getT());
        default -> {}
      }
      if (weights.size() > before) {
        weightNodes.add(
            List.copyOf(new ArrayList<>(weights.values()).subList(before, weights.size())));
        nodeOfWeights.add(n);
      }
      i++;
    }
  }

  /** Nodes that carry weights (convolutions, batch-norms, Gemm). */
  public int weightNodes() {
    return weightNodes.size();
  }

  /**
   * Freezes the weights of the first {@code count} weight nodes: they get no gradient, and their
   * batch-norms use the file's running statistics in training too.
   */
  public void freezeFirst(int count) {
    for (int k = 0; k < weightNodes.size(); k++) {
      boolean freeze = k < count;
      weightNodes.get(k).stream()
          .filter(
              p ->
                  p.getType() != Parameter.Type.RUNNING_MEAN
                      && p.getType() != Parameter.Type.RUNNING_VAR)
          .forEach(p -> p.freeze(freeze));
      if (freeze) {
        frozen.add(nodeOfWeights.get(k));
      } else {
        frozen.remove(nodeOfWeights.get(k));
      }
    }
  }

  /** Parameters that train (for the optimiser's backbone learning rate). */
  public List<Parameter> trainable() {
    return weights.values().stream().filter(Parameter::requiresGradient).toList();
  }

  private void weight(NodeProto n, int input, Parameter.Type type, int index) {
    if (n.getInputCount() <= input || n.getInput(input).isEmpty()) {
      return;
    }
    String name = n.getInput(input);
    if (!graph.isInitializer(name) || weights.containsKey(name)) {
      if (!graph.isInitializer(name)) {
        throw new BackboneException(
            n.getOpType()
                + " at node '"
                + OnnxBackbone.name(n)
                + "' takes its "
                + type.name().toLowerCase()
                + " from a computed tensor; only weights stored in the file are supported");
      }
      return;
    }
    float[] values = graph.values(name);
    Shape shape = new Shape(graph.dims(name));
    boolean running = type == Parameter.Type.RUNNING_MEAN || type == Parameter.Type.RUNNING_VAR;
    Parameter p =
        addParameter(
            Parameter.builder()
                .setName("n" + index + "_" + type.name().toLowerCase())
                .setType(type)
                .optShape(shape)
                .optRequiresGrad(!running)
                .optInitializer((m, s, d) -> m.create(values, s))
                .build());
    weights.put(name, p);
  }

  /** The source graph. */
  public OnnxBackbone graph() {
    return graph;
  }

  /** The normalisation in front of the graph. */
  public Preprocessing preprocessing() {
    return preprocessing;
  }

  /** ONNX initializer names of the weights (parameters), in graph order. */
  public Set<String> weightNames() {
    return Collections.unmodifiableSet(weights.keySet());
  }

  /** The parameter that holds an ONNX initializer, or null for constants (for the export). */
  public Parameter weight(String initializer) {
    return weights.get(initializer);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(tensors(store, inputs.singletonOrThrow(), training).get(graph.feature()));
  }

  /** Every tensor of the feature extractor by its ONNX name, the input included. */
  Map<String, NDArray> tensors(ParameterStore store, NDArray x, boolean training) {
    Map<String, NDArray> env = new HashMap<>();
    NDManager m = x.getManager();
    env.put(
        graph.input(),
        x.sub(m.create(preprocessing.mean(), new Shape(1, 3, 1, 1)))
            .div(m.create(preprocessing.std(), new Shape(1, 3, 1, 1))));
    for (NodeProto n : graph.nodes()) {
      env.put(n.getOutput(0), evaluate(n, env, store, training, x.getManager()));
    }
    return env;
  }

  private NDArray in(
      NodeProto n,
      int i,
      Map<String, NDArray> env,
      ParameterStore store,
      boolean training,
      NDManager m) {
    String name = n.getInput(i);
    NDArray v = env.get(name);
    if (v != null) {
      return v;
    }
    Parameter p = weights.get(name);
    if (p != null) {
      return store.getValue(p, m.getDevice(), training);
    }
    TensorProto c = constants.get(name);
    if (c != null) {
      return m.create(
          OnnxBackbone.floats(c),
          new Shape(c.getDimsList().stream().mapToLong(Long::longValue).toArray()));
    }
    if (graph.isInitializer(name)) {
      return m.create(graph.values(name), new Shape(graph.dims(name)));
    }
    throw new BackboneException(
        "tensor '"
            + name
            + "' of node '"
            + OnnxBackbone.name(n)
            + "' is not computed before it is used");
  }

  private float[] constant(NodeProto n, int i) {
    String name = n.getInput(i);
    TensorProto c = constants.get(name);
    return c != null ? OnnxBackbone.floats(c) : graph.values(name);
  }

  private NDArray evaluate(
      NodeProto n, Map<String, NDArray> env, ParameterStore store, boolean training, NDManager m) {
    if (n.getOpType().equals("Constant")) {
      // no inputs: its value is the tensor in its attribute
      TensorProto c = constants.get(n.getOutput(0));
      return m.create(
          OnnxBackbone.floats(c),
          new Shape(c.getDimsList().stream().mapToLong(Long::longValue).toArray()));
    }
    NDArray x = in(n, 0, env, store, training, m);
    return switch (n.getOpType()) {
      case "Conv" ->
          OnnxOps.conv(
              n,
              x,
              in(n, 1, env, store, training, m),
              n.getInputCount() > 2 && !n.getInput(2).isEmpty()
                  ? in(n, 2, env, store, training, m)
                  : null);
      case "BatchNormalization" ->
          BatchNorm.batchNorm(
                  x,
                  in(n, 3, env, store, training, m),
                  in(n, 4, env, store, training, m),
                  in(n, 1, env, store, training, m),
                  in(n, 2, env, store, training, m),
                  1,
                  OnnxOps.f(n, "momentum", 0.9f),
                  OnnxOps.f(n, "epsilon", 1e-5f),
                  training && !frozen.contains(n))
              .head();
      case "Relu" -> Activation.relu(x);
      case "LeakyRelu" -> Activation.leakyRelu(x, OnnxOps.f(n, "alpha", 0.01f));
      case "Sigmoid" -> Activation.sigmoid(x);
      case "HardSigmoid" ->
          x.mul(OnnxOps.f(n, "alpha", 0.2f)).add(OnnxOps.f(n, "beta", 0.5f)).clip(0, 1);
      case "HardSwish" -> {
        NDArray fused = TorchKernels.hardswish(x);
        yield fused != null ? fused : x.mul(x.div(6f).add(0.5f).clip(0, 1));
      }
      case "Clip" -> clip(n, x);
      case "Mul" -> x.mul(in(n, 1, env, store, training, m));
      case "Add" -> x.add(in(n, 1, env, store, training, m));
      case "MaxPool" -> OnnxOps.pool(n, x, true);
      case "AveragePool" -> OnnxOps.pool(n, x, false);
      case "GlobalAveragePool" -> x.mean(new int[] {3}, true).mean(new int[] {2}, true);
      case "Flatten" ->
          x.reshape(OnnxOps.flattenShape(x.getShape(), (int) OnnxOps.i(n, "axis", 1)));
      case "Reshape" -> x.reshape(OnnxOps.reshape(x.getShape(), constant(n, 1)));
      case "Gemm" ->
          OnnxOps.gemm(
              n,
              x,
              in(n, 1, env, store, training, m),
              n.getInputCount() > 2 ? in(n, 2, env, store, training, m) : null);
      case "Concat" -> {
        NDList parts = new NDList();
        for (int k = 0; k < n.getInputCount(); k++) {
          parts.add(in(n, k, env, store, training, m));
        }
        yield NDArrays.concat(parts, (int) OnnxOps.i(n, "axis", 1));
      }
      case "Identity", "Dropout" -> x;
      default ->
          throw new BackboneException(
              "unsupported op " + n.getOpType() + " at node '" + OnnxBackbone.name(n) + "'");
    };
  }

  private NDArray clip(NodeProto n, NDArray x) {
    float lo = -Float.MAX_VALUE;
    float hi = Float.MAX_VALUE;
    if (graph.opset() < 11) {
      lo = OnnxOps.f(n, "min", lo);
      hi = OnnxOps.f(n, "max", hi);
    } else {
      if (n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
        lo = constant(n, 1)[0];
      }
      if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
        hi = constant(n, 2)[0];
      }
    }
    NDArray fused = TorchKernels.hardtanh(x, lo, hi);
    return fused != null ? fused : x.clip(lo, hi);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.zeros(inputShapes[0]);
      ParameterStore store = new ParameterStore(m, false);
      return new Shape[] {forward(store, new NDList(x), false).head().getShape()};
    }
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // no child blocks: every parameter is this block's own and starts from the file's values
  }
}
