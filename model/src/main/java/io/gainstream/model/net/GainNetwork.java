package io.gainstream.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.gainstream.model.backbone.BackboneBlock;
import io.gainstream.model.image.Upsampling;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The GAIN network in DJL: a small conv backbone and a CAM head (1×1 conv to one map per class,
 * then global average pooling to logits).
 *
 * <p>With this head Grad-CAM equals ReLU(CAM) up to a constant (see docs/PAPERS), so the attention
 * map is a plain, differentiable forward output: GAIN trains through it with first-order gradients
 * and the export to ONNX needs no backprop. {@link #forward} returns {@code [logits (N,C), cam
 * (N,C,h,w)]} (an ABN {@link Head} adds its attention branch's logits); {@link #attention} turns
 * the raw CAM into the normalised maps the exported model outputs.
 */
public final class GainNetwork extends AbstractBlock {
  /** Added to {@code max − min} in the per-map normalisation; the ONNX graph uses the same. */
  public static final float NORM_EPS = 1e-5f;

  /** Batch-norm epsilon, shared with the ONNX {@code BatchNormalization} nodes. */
  public static final float BN_EPS = 1e-5f;

  private static final byte VERSION = 1;

  private final NetworkSpec spec;
  private final List<Conv2d> convs = new ArrayList<>();
  private final List<BatchNorm> norms = new ArrayList<>();
  private final Conv2d camHead;

  private final Head head;

  /** ABN: the 1×1 conv from the class maps to the one attention map M; null for a CAM head. */
  private final Conv2d abnAttention;

  /** ABN: the perception branch's 1×1 conv on the gated features; null for a CAM head. */
  private final Conv2d abnPerception;

  /** SeeNet: the 1×1 conv of S_B and S_C on the C-ReLU'd features; null for other heads. */
  private final Conv2d seenetBranch;

  /** An imported feature extractor in place of the built-in stages, or null. */
  private final BackboneBlock backbone;

  /** Side of the feature map; known once initialised when a backbone decides it. */
  private int featureSize;

  /** The built-in network of {@code spec}. */
  public GainNetwork(NetworkSpec spec) {
    this(spec, null);
  }

  /**
   * A network whose feature extractor is an imported backbone (or, when null, the built-in stages
   * of {@code spec}); the CAM head sits on the backbone's last spatial map. With a backbone only
   * {@code spec}'s input size and classes matter.
   */
  public GainNetwork(NetworkSpec spec, BackboneBlock backbone) {
    this(spec, backbone, Head.CAM);
  }

  /** A network with {@code head} on the feature extractor ({@code backbone}, or the built-in). */
  public GainNetwork(NetworkSpec spec, BackboneBlock backbone, Head head) {
    super(VERSION);
    this.spec = spec;
    this.head = head;
    this.backbone = backbone;
    this.featureSize = spec.featureSize();
    if (backbone != null) {
      addChildBlock("backbone", backbone);
    }
    for (int i = 0; backbone == null && i < spec.depth(); i++) {
      convs.add(
          addChildBlock(
              "conv" + i,
              Conv2d.builder()
                  .setKernelShape(new Shape(3, 3))
                  .optPadding(new Shape(1, 1))
                  .setFilters(spec.channels(i))
                  .build()));
      norms.add(
          addChildBlock(
              "bn" + i, BatchNorm.builder().optEpsilon(BN_EPS).optMomentum(0.9f).build()));
    }
    camHead =
        addChildBlock(
            "cam",
            Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(spec.numClasses()).build());
    if (head == Head.ABN) {
      abnAttention =
          addChildBlock(
              "abn_attention",
              Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(1).build());
      abnPerception =
          addChildBlock(
              "abn_perception",
              Conv2d.builder()
                  .setKernelShape(new Shape(1, 1))
                  .setFilters(spec.numClasses())
                  .build());
    } else {
      abnAttention = null;
      abnPerception = null;
    }
    seenetBranch =
        head == Head.SEENET
            ? addChildBlock(
                "seenet_b",
                Conv2d.builder()
                    .setKernelShape(new Shape(1, 1))
                    .setFilters(spec.numClasses())
                    .build())
            : null;
  }

  /** What sits on the feature map. */
  public Head head() {
    return head;
  }

  /** ABN's conv from the class maps to M (for weight transfer); null for a CAM head. */
  public Conv2d abnAttention() {
    return abnAttention;
  }

  /** SeeNet's S_B (and S_C) conv (for weight transfer); null for other heads. */
  public Conv2d seenetBranch() {
    return seenetBranch;
  }

  /** ABN's perception conv (for weight transfer); null for a CAM head. */
  public Conv2d abnPerception() {
    return abnPerception;
  }

  public NetworkSpec spec() {
    return spec;
  }

  /** The imported backbone, or null for the built-in stages. */
  public BackboneBlock backbone() {
    return backbone;
  }

  /** Side of the feature map and raw CAM (the input size over the feature extractor's stride). */
  public int featureSize() {
    return featureSize;
  }

  /**
   * Side of the feature map for another input side: the network is fully convolutional up to the
   * pooling, so the same weights run at any multiple of its stride.
   */
  public int featureSizeAt(int inputSize) {
    int stride = spec.inputSize() / featureSize;
    if (inputSize < stride || inputSize % stride != 0) {
      throw new IllegalArgumentException(
          "input size "
              + inputSize
              + " must be a positive multiple of the network's stride "
              + stride);
    }
    return inputSize / stride;
  }

  /** The conv layers of the backbone, stage by stage (for weight transfer). */
  public List<Conv2d> convs() {
    return Collections.unmodifiableList(convs);
  }

  /** The batch-norm layers of the backbone, stage by stage (for weight transfer). */
  public List<BatchNorm> norms() {
    return Collections.unmodifiableList(norms);
  }

  /** The 1×1 CAM conv (for weight transfer). */
  public Conv2d camHead() {
    return camHead;
  }

  /** A named parameter of a child block; fails loudly when the name is wrong. */
  public static Parameter parameter(AbstractBlock block, String name) {
    Parameter p = block.getParameters().get(name);
    if (p == null) {
      throw new IllegalStateException(
          "block has no parameter '" + name + "', expected one of " + block.getParameters().keys());
    }
    return p;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    if (backbone != null) {
      x = backbone.forward(store, new NDList(x), training).head();
    }
    for (int i = 0; backbone == null && i < spec.depth(); i++) {
      x = convs.get(i).forward(store, new NDList(x), training).head();
      x = norms.get(i).forward(store, new NDList(x), training).head();
      x = Activation.relu(x);
      if (i < spec.depth() - 1) {
        x = Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
      }
    }
    NDArray cam = camHead.forward(store, new NDList(x), training).head();
    NDArray logits = globalPool(cam);
    if (head == Head.SEENET) {
      return selfErasing(store, x, cam, logits, training);
    }
    if (head == Head.ABN) {
      NDArray m = gate(store, cam, training);
      NDArray gated = x.mul(m.add(1));
      NDArray perception =
          globalPool(abnPerception.forward(store, new NDList(gated), training).head());
      return new NDList(perception, cam, logits);
    }
    return new NDList(logits, cam);
  }

  /**
   * SeeNet's outputs: {@code [S_A's logits, S_A's maps, S_B's logits, S_C's logits, S_B's maps]}.
   * S_B's map of class c is the C-ReLU, by c's ternary mask, of the branch's 1×1 conv of relu(F);
   * S_C's logits pool the C-ReLU of the same response by c's background mask ({@link SelfErasing}
   * says why the C-ReLU comes after the conv here).
   */
  private NDList selfErasing(
      ParameterStore store, NDArray x, NDArray cam, NDArray logits, boolean training) {
    NDArray bias = store.getValue(parameter(seenetBranch, "bias"), x.getDevice(), training);
    // a view of the parameter: owned by this pass's manager, or every pass would leak one
    NDArray bias4 = bias.reshape(1, spec.numClasses(), 1, 1);
    bias4.attach(x.getManager());
    // the branch's response without its bias; each class's mask then gates its own map
    NDArray z =
        seenetBranch.forward(store, new NDList(Activation.relu(x)), training).head().sub(bias4);
    NDArray norm = SelfErasing.normalised(cam);
    NDArray b = SelfErasing.cRelu(z, SelfErasing.ternary(norm));
    NDArray c = SelfErasing.cRelu(z, SelfErasing.background(norm));
    NDArray logitsB = globalPool(b).add(bias);
    NDArray logitsC = globalPool(c).add(bias);
    return new NDList(logits, cam, logitsB, logitsC, b.add(bias4));
  }

  /**
   * The maps the network labels with, normalised to [0, 1] at input resolution, from a forward
   * pass's outputs: {@link #attention} of the class maps, and for SeeNet the maximum of S_A's and
   * S_B's, each normalised on its own (the paper's fusion).
   */
  public NDArray maps(NDList out) {
    NDArray a = attention(out.get(1));
    if (head != Head.SEENET) {
      return a;
    }
    return NDArrays.maximum(a, attention(out.get(4)));
  }

  /** Global average pool over the two spatial axes (PyTorch's mean reduces one axis per call). */
  private static NDArray globalPool(NDArray maps) {
    return maps.mean(new int[] {3}).mean(new int[] {2});
  }

  /** ABN's attention map {@code M = sigmoid(conv(class maps))}, N×1×h×w in (0, 1). */
  private NDArray gate(ParameterStore store, NDArray cam, boolean training) {
    return Activation.sigmoid(abnAttention.forward(store, new NDList(cam), training).head());
  }

  /**
   * ABN's attention map M of a batch, N×1×h×w, with inference-mode batch-norm: what gates the
   * perception branch's features.
   */
  public NDArray abnGate(ParameterStore store, NDArray images) {
    if (head != Head.ABN) {
      throw new IllegalStateException("a " + head + " head has no attention gate");
    }
    NDList out = forward(store, new NDList(images), false);
    return gate(store, out.get(1), false);
  }

  /**
   * Attention maps at input resolution from a raw CAM: ReLU, bilinear upsampling, then {@code (A −
   * min) / (max − min + ε)} per image and class, so every map spans [0, 1].
   */
  public NDArray attention(NDArray cam) {
    int h = featureSize;
    int size = spec.inputSize();
    NDManager m = cam.getManager();
    NDArray up = m.create(Upsampling.matrix(h, size), new Shape(size, h));
    NDArray upT =
        m.create(Upsampling.transpose(Upsampling.matrix(h, size), size, h), new Shape(h, size));
    NDArray a = up.matMul(Activation.relu(cam).matMul(upT));
    long n = a.getShape().get(0);
    long c = a.getShape().get(1);
    NDArray flat = a.reshape(n, c, (long) size * size);
    NDArray min = flat.min(new int[] {2}, true).reshape(n, c, 1, 1);
    NDArray max = flat.max(new int[] {2}, true).reshape(n, c, 1, 1);
    return a.sub(min).div(max.sub(min).add(NORM_EPS));
  }

  /**
   * {@code [scores (N,C), class maps (N,C,f,f)]}, and for ABN the attention branch's own logits
   * {@code (N,C)} third.
   */
  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long n = inputShapes[0].get(0);
    long f = featureSize;
    Shape logits = new Shape(n, spec.numClasses());
    Shape maps = new Shape(n, spec.numClasses(), f, f);
    return switch (head) {
      case ABN -> new Shape[] {logits, maps, logits};
      case SEENET -> new Shape[] {logits, maps, logits, logits, maps};
      case CAM -> new Shape[] {logits, maps};
    };
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape shape = inputShapes[0];
    if (backbone != null) {
      backbone.initialize(manager, dataType, shape);
      shape = backbone.getOutputShapes(new Shape[] {shape})[0];
      if (shape.dimension() != 4
          || shape.get(2) != shape.get(3)
          || spec.inputSize() % shape.get(2) != 0) {
        throw new IllegalArgumentException(
            "backbone turns a "
                + spec.inputSize()
                + "-pixel input into a feature map of shape "
                + shape
                + "; need a square map whose side divides the input size");
      }
      featureSize = (int) shape.get(2);
    }
    for (int i = 0; backbone == null && i < spec.depth(); i++) {
      convs.get(i).initialize(manager, dataType, shape);
      shape = convs.get(i).getOutputShapes(new Shape[] {shape})[0];
      norms.get(i).initialize(manager, dataType, shape);
      if (i < spec.depth() - 1) {
        shape = new Shape(shape.get(0), shape.get(1), shape.get(2) / 2, shape.get(3) / 2);
      }
    }
    camHead.initialize(manager, dataType, shape);
    if (head == Head.ABN) {
      abnAttention.initialize(manager, dataType, camHead.getOutputShapes(new Shape[] {shape})[0]);
      abnPerception.initialize(manager, dataType, shape);
    }
    if (head == Head.SEENET) {
      seenetBranch.initialize(manager, dataType, shape);
    }
  }
}
