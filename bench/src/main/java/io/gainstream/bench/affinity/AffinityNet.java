package io.gainstream.bench.affinity;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.gainstream.model.labels.ProxyLabels;
import io.gainstream.model.refine.RandomWalk;
import java.util.Arrays;
import java.util.List;

/**
 * AffinityNet's affinity learning (Ahn and Kwak, CVPR 2018) on a small convolutional network
 * trained from scratch: it maps an image to a per-pixel embedding on a grid of a quarter of its
 * side, and the affinity of two pixels is {@code exp(−mean |e_i − e_j|)}. Pairs of pixels within
 * the walk's radius whose confident proxy labels agree are pulled together (background pairs and
 * object pairs weighted apart, as in the paper, so that the larger background does not dominate),
 * pairs whose labels differ are pushed apart, and pairs with an uncertain pixel (255) teach
 * nothing.
 *
 * <p>The paper learns the embedding on top of an ImageNet ResNet-38; here the network sees only the
 * images of the set, which is what a user without a second backbone has. {@code −log a_ij} is
 * {@code mean |e_i − e_j|} itself, so the positive terms need no logarithm.
 */
final class AffinityNet implements AutoCloseable {
  private static final int WIDTH = 64;

  private final int dim;
  private final int side;
  private final int grid;
  private final List<int[]> offsets;
  private final Model model;
  private final SequentialBlock block;
  private final Trainer trainer;

  /**
   * @param dim embedding channels
   * @param grid side of the embedding grid; the input is four times it
   * @param radius pairs closer than this (grid cells) are trained
   */
  AffinityNet(int dim, int grid, int radius, int batch, float learningRate, long seed) {
    this.dim = dim;
    this.grid = grid;
    this.side = 4 * grid;
    this.offsets = RandomWalk.halfOffsets(radius);
    Engine.getEngine("PyTorch").setRandomSeed((int) seed);
    block = new SequentialBlock();
    block
        .add(conv(32, 1, 1))
        .add(Activation.reluBlock())
        .add(conv(WIDTH, 2, 1))
        .add(Activation.reluBlock())
        .add(conv(WIDTH, 2, 1))
        .add(Activation.reluBlock())
        .add(conv(WIDTH, 1, 2))
        .add(Activation.reluBlock())
        .add(conv(WIDTH, 1, 4))
        .add(Activation.reluBlock())
        .add(Conv2d.builder().setFilters(dim).setKernelShape(new Shape(1, 1)).build());
    model = Model.newInstance("affinity", Device.cpu(), "PyTorch");
    model.setBlock(block);
    Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(learningRate)).build();
    trainer =
        model.newTrainer(
            new DefaultTrainingConfig(Loss.l1Loss())
                .optDevices(new Device[] {Device.cpu()})
                .optOptimizer(adam));
    trainer.initialize(new Shape(batch, 3, side, side));
  }

  private static Conv2d conv(int filters, int stride, int dilation) {
    return Conv2d.builder()
        .setFilters(filters)
        .setKernelShape(new Shape(3, 3))
        .optStride(new Shape(stride, stride))
        .optPadding(new Shape(dilation, dilation))
        .optDilation(new Shape(dilation, dilation))
        .build();
  }

  int side() {
    return side;
  }

  int grid() {
    return grid;
  }

  /**
   * One Adam step.
   *
   * @param images {@code n × 3 × side × side} in [0, 1]
   * @param labels {@code n × grid × grid}: 0 background, k class k, 255 uncertain
   * @return the loss, or NaN when the batch held no labelled pair
   */
  float step(float[] images, byte[] labels, int n) {
    try (NDManager sub = trainer.getManager().newSubManager()) {
      NDArray x = sub.create(images, new Shape(n, 3, side, side)).sub(0.5f);
      try (GradientCollector gc = trainer.newGradientCollector()) {
        NDArray e = trainer.forward(new NDList(x)).head();
        NDArray bg = sub.zeros(new Shape(1));
        NDArray fg = sub.zeros(new Shape(1));
        NDArray neg = sub.zeros(new Shape(1));
        double[] counts = new double[3];
        for (int[] off : offsets) {
          int dy = off[0];
          int dx = off[1];
          int x0 = Math.max(0, -dx);
          int x1 = grid - Math.max(0, dx);
          int h = grid - dy;
          int w = x1 - x0;
          float[][] masks = pairMasks(labels, n, dy, dx, x0, h, w, counts);
          NDArray a = e.get(new NDIndex(":, :, 0:{}, {}:{}", h, x0, x1));
          NDArray b = e.get(new NDIndex(":, :, {}:{}, {}:{}", dy, grid, x0 + dx, x1 + dx));
          NDArray d = a.sub(b).abs().mean(new int[] {1});
          Shape s = new Shape(n, h, w);
          bg = bg.add(d.mul(sub.create(masks[0], s)).sum());
          fg = fg.add(d.mul(sub.create(masks[1], s)).sum());
          NDArray notSame = d.neg().exp().neg().add(1 + 1e-5f).log().neg();
          neg = neg.add(notSame.mul(sub.create(masks[2], s)).sum());
        }
        if (counts[0] + counts[1] + counts[2] == 0) {
          return Float.NaN;
        }
        NDArray loss =
            bg.div(counts[0] + 1e-5)
                .div(4)
                .add(fg.div(counts[1] + 1e-5).div(4))
                .add(neg.div(counts[2] + 1e-5).div(2));
        gc.backward(loss);
        float value = loss.getFloat();
        trainer.step();
        return value;
      }
    }
  }

  /** Background-pair, object-pair and different-label masks of one offset, counts added. */
  private float[][] pairMasks(
      byte[] labels, int n, int dy, int dx, int x0, int h, int w, double[] counts) {
    float[][] m = new float[3][n * h * w];
    int cells = grid * grid;
    for (int b = 0; b < n; b++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int li = labels[b * cells + y * grid + x0 + x] & 0xff;
          int lj = labels[b * cells + (y + dy) * grid + x0 + x + dx] & 0xff;
          if (li == ProxyLabels.IGNORE || lj == ProxyLabels.IGNORE) {
            continue;
          }
          int k = li != lj ? 2 : li == 0 ? 0 : 1;
          m[k][(b * h + y) * w + x] = 1f;
          counts[k]++;
        }
      }
    }
    return m;
  }

  /**
   * Embeddings of a batch.
   *
   * @return per image, {@code dim × grid × grid}
   */
  float[][] embed(float[] images, int n) {
    try (NDManager sub = trainer.getManager().newSubManager()) {
      NDArray x = sub.create(images, new Shape(n, 3, side, side)).sub(0.5f);
      NDArray e = block.forward(new ParameterStore(sub, false), new NDList(x), false).head();
      float[] all = e.toFloatArray();
      int per = dim * grid * grid;
      float[][] out = new float[n][];
      for (int i = 0; i < n; i++) {
        out[i] = Arrays.copyOfRange(all, i * per, (i + 1) * per);
      }
      return out;
    }
  }

  int dim() {
    return dim;
  }

  @Override
  public void close() {
    trainer.close();
    model.close();
  }
}
