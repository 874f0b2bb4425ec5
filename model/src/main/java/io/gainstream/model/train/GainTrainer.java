package io.gainstream.model.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.net.GainNetwork;
import io.gainstream.model.net.Head;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.net.Prediction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link GainNetwork} with DJL's PyTorch engine: {@code cam} (classification only), {@code
 * gain} (self-guided attention mining), {@code gain-ext} (plus pixel supervision), {@code abn} (the
 * attention branch gating a perception branch, {@code L_att + L_per}) or {@code seenet} (S_A, and
 * S_B and S_C on the self-erased features, {@code L_A + L_B + L_C}).
 *
 * <p>Per step, tensors live in a sub-manager closed at the end of the step, so memory stays flat
 * over long runs. Once attention mining starts, batch-norm statistics are frozen (running
 * statistics, {@code training=false}) in the erased-image stream — as the re-implementations in
 * docs/PAPERS found necessary — and in the classification stream too, so the network cannot tell
 * the two streams apart by their normalisation; gradients still flow through both.
 */
public final class GainTrainer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GainTrainer.class);
  private static final float ACCURACY_EMA = 0.05f;

  private final NetworkSpec spec;
  private final GainSettings settings;
  private final GainNetwork network;
  private final Model model;
  private final Trainer trainer;

  /** Same arrays as the trainer's own store (one CPU device: no copies), for the erased stream. */
  private final ParameterStore store;

  private long step;
  private float accuracyEma;

  /** Whether a step has updated the weights yet (the first one seeds the accuracy average). */
  private boolean accuracySeeded;

  private float bestAccuracyEma;
  private long bestAccuracyStep;
  private boolean miningActive;

  /** Why attention mining may not start yet, or null when it may (see {@link #holdMining}). */
  private String miningHeld;

  /** Non-finite steps in a row, and in all. */
  private int nonFinite;

  private long skipped;

  /** α in use: the settings' α until a rollback makes mining gentler. */
  private float alpha;

  /**
   * The moving average of every weight over the mined steps ({@link GainSettings#averaging}), in
   * the trainer's manager and outside autograd; null before the first mined step or when off.
   */
  private Map<String, NDArray> average;

  /** A fresh built-in network, weights drawn from the settings' seed. */
  public GainTrainer(NetworkSpec spec, GainSettings settings) {
    this(spec, settings, null);
  }

  /**
   * A network on an imported backbone (its weights from the file, the CAM head's from the seed), or
   * the built-in one when {@code backbone} is null.
   */
  public GainTrainer(NetworkSpec spec, GainSettings settings, Backbone backbone) {
    this.spec = spec;
    this.settings = settings;
    Engine engine = Engine.getEngine("PyTorch");
    TrainingThreads.apply();
    engine.setRandomSeed((int) settings.seed());
    this.network =
        new GainNetwork(
            spec, backbone == null ? null : backbone.newBlock(), settings.method().head());
    this.model = Model.newInstance("gain", Device.cpu(), "PyTorch");
    model.setBlock(network);
    Optimizer optimizer = adam(settings.learningRate(), settings.weightDecay());
    if (backbone != null) {
      Set<String> ids = new HashSet<>();
      network.backbone().trainable().forEach(p -> ids.add(p.getId()));
      optimizer =
          new SplitOptimizer(
              optimizer,
              adam(settings.learningRate() * backbone.learningRateFactor(), settings.weightDecay()),
              ids);
    }
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(Loss.sigmoidBinaryCrossEntropyLoss("cl"))
            .optDevices(new Device[] {Device.cpu()})
            .optOptimizer(optimizer);
    this.trainer = model.newTrainer(config);
    trainer.initialize(new Shape(settings.batchSize(), 3, spec.inputSize(), spec.inputSize()));
    this.store = new ParameterStore(trainer.getManager(), false);
    this.alpha = settings.alpha();
  }

  private static Optimizer adam(float learningRate, float weightDecay) {
    return Optimizer.adam()
        .optLearningRateTracker(Tracker.fixed(learningRate))
        .optWeightDecays(weightDecay)
        .build();
  }

  public GainNetwork network() {
    return network;
  }

  public NetworkSpec spec() {
    return spec;
  }

  public GainSettings settings() {
    return settings;
  }

  /** Steps taken so far. */
  public long steps() {
    return step;
  }

  /** Whether attention mining has switched on (it stays on once it has). */
  public boolean miningActive() {
    return miningActive;
  }

  /**
   * Continues counting steps from a release (after {@link
   * io.gainstream.model.onnx.OnnxImporter#load}); a resumed run has passed its warm-up already.
   */
  public void resumeAt(long steps, boolean mining) {
    this.step = steps;
    this.miningActive = mining && settings.method().mines();
  }

  /**
   * Keeps attention mining from starting while {@code reason} is non-null (the run trains on as a
   * classifier, as cam does); null lets it start at the next step that qualifies. Mining already on
   * stays on: the hold is a precondition for starting, not a rollback.
   */
  public void holdMining(String reason) {
    this.miningHeld = reason;
  }

  /** Why mining is held off, or null when it is not ({@link #holdMining}). */
  public String miningHeld() {
    return miningActive ? null : miningHeld;
  }

  /** The attention-mining weight α in use now (lowered by {@link #restore}). */
  public float alpha() {
    return alpha;
  }

  /**
   * A copy of every weight and batch-norm statistic, and of the weights' moving average when there
   * is one, for {@link #restore}.
   */
  public Snapshot snapshot() {
    Map<String, float[]> values = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : network.getParameters()) {
      values.put(p.getKey(), p.getValue().getArray().toFloatArray());
    }
    Map<String, float[]> averaged = null;
    if (average != null) {
      averaged = new LinkedHashMap<>();
      for (Map.Entry<String, NDArray> e : average.entrySet()) {
        averaged.put(e.getKey(), e.getValue().toFloatArray());
      }
    }
    return new Snapshot(step, values, averaged);
  }

  /**
   * Rolls the weights back to a snapshot, in place (the optimiser and the parameter store keep
   * their arrays), and continues mining with {@code newAlpha}. The step count keeps going: steps
   * spent before the rollback were spent.
   */
  public void restore(Snapshot snapshot, float newAlpha) {
    if (!(newAlpha >= 0)) {
      throw new IllegalArgumentException("alpha must be >= 0, got " + newAlpha);
    }
    for (Pair<String, Parameter> p : network.getParameters()) {
      float[] v = snapshot.values().get(p.getKey());
      if (v == null) {
        throw new IllegalArgumentException("snapshot has no parameter " + p.getKey());
      }
      p.getValue().getArray().set(v);
    }
    this.alpha = newAlpha;
    // the average goes back with the weights: a collapse after the last good check must not reach a
    // release through it either
    dropAverage();
    if (snapshot.average() != null) {
      average = new LinkedHashMap<>();
      for (Pair<String, Parameter> p : network.getParameters()) {
        NDArray w = p.getValue().getArray();
        average.put(
            p.getKey(),
            trainer.getManager().create(snapshot.average().get(p.getKey()), w.getShape()));
      }
    }
  }

  /** Whether releases would publish averaged weights now (mining has run with averaging on). */
  public boolean averaging() {
    return average != null;
  }

  /**
   * Puts the averaged weights into the network until the handle is closed, which puts the last
   * step's weights back so that training continues where it was. Everything that reads the network
   * in between (validation, export, {@link #predict}) sees the weights a release publishes. Without
   * an average (mining has not run, or averaging is off) it changes nothing.
   */
  public AveragedWeights useAveragedWeights() {
    if (average == null) {
      return () -> {};
    }
    Map<String, float[]> averaged = new LinkedHashMap<>();
    average.forEach((k, v) -> averaged.put(k, v.toFloatArray()));
    return use(averaged);
  }

  /**
   * Puts a snapshot's weights into the network until the handle is closed (to score an earlier
   * state, such as the end of warm-up, on today's held-out images without giving up the current
   * one).
   */
  public AveragedWeights swapIn(Snapshot snapshot) {
    return use(snapshot.values());
  }

  private AveragedWeights use(Map<String, float[]> values) {
    Map<String, float[]> live = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : network.getParameters()) {
      NDArray w = p.getValue().getArray();
      live.put(p.getKey(), w.toFloatArray());
      w.set(values.get(p.getKey()));
    }
    return () -> {
      for (Pair<String, Parameter> p : network.getParameters()) {
        p.getValue().getArray().set(live.get(p.getKey()));
      }
    };
  }

  /** The averaged weights in the network, for as long as this is open. */
  @FunctionalInterface
  public interface AveragedWeights extends AutoCloseable {
    @Override
    void close();
  }

  /** {@code average = d·average + (1 − d)·weights}, after a mined step; the first one copies. */
  private void updateAverage() {
    float d = settings.averaging();
    if (average == null) {
      average = new LinkedHashMap<>();
      for (Pair<String, Parameter> p : network.getParameters()) {
        NDArray w = p.getValue().getArray();
        average.put(p.getKey(), trainer.getManager().create(w.toFloatArray(), w.getShape()));
      }
      return;
    }
    for (Pair<String, Parameter> p : network.getParameters()) {
      // a detached view: the update must not enter autograd's graph
      try (NDArray w = p.getValue().getArray().stopGradient();
          NDArray share = w.mul(1 - d)) {
        average.get(p.getKey()).muli(d).addi(share);
      }
    }
  }

  private void dropAverage() {
    if (average != null) {
      average.values().forEach(NDArray::close);
      average = null;
    }
  }

  /**
   * Weights at a step, copied out of the engine.
   *
   * @param average the weights' moving average at that step, or null when there was none
   */
  public record Snapshot(long step, Map<String, float[]> values, Map<String, float[]> average) {}

  /** One optimisation step on a batch. */
  public StepResult step(Batch batch) {
    int n = batch.size();
    int c = spec.numClasses();
    int s = spec.inputSize();
    checkBatch(batch);
    step++;
    try (NDManager sub = trainer.getManager().newSubManager()) {
      NDArray x = sub.create(batch.images(), new Shape(n, 3, s, s));
      NDArray y = sub.create(batch.labels(), new Shape(n, c));
      boolean mining = settings.method().mines() && miningActive && alpha > 0;
      boolean pixels = settings.method() == Method.GAIN_EXT && batch.anyMask();
      float lCl;
      float lAm = 0;
      float lE = 0;
      float total;
      float[] logits;
      // training-mode batch-norm updates its running statistics in the forward pass: kept, so that
      // a non-finite batch cannot poison the statistics inference uses
      Map<Parameter, float[]> stats = mining ? Map.of() : runningStatistics();
      try (GradientCollector gc = trainer.newGradientCollector()) {
        // Once attention mining is on, both streams use the frozen batch-norm statistics. If only
        // the erased stream did, the network could learn to score low under running statistics
        // (what L_am rewards) and high under batch statistics (what L_cl rewards), and collapse
        // at inference, which uses the running statistics.
        NDList out =
            mining ? network.forward(store, new NDList(x), false) : trainer.forward(new NDList(x));
        NDArray logit = out.get(0);
        NDArray loss = classificationLoss(logit, y);
        if (network.head() == Head.ABN) {
          // L_per on the perception branch's scores, plus L_att on the attention branch's own
          loss = loss.add(classificationLoss(out.get(2), y));
        }
        if (network.head() == Head.SEENET) {
          // S_B finds the classes in the potential zone; S_C sees the background and must find none
          loss = loss.add(classificationLoss(out.get(2), y));
          loss = loss.add(classificationLoss(out.get(3), y.zerosLike()));
        }
        lCl = loss.getFloat();
        NDArray attention = mining || pixels ? network.attention(out.get(1)) : null;
        if (mining) {
          NDArray am = attentionMiningLoss(x, attention, batch);
          if (am != null) {
            lAm = am.getFloat();
            loss = loss.add(am.mul(alpha));
          }
        }
        if (pixels) {
          NDArray le = pixelLoss(attention, batch, sub);
          if (le != null) {
            lE = le.getFloat();
            loss = loss.add(le.mul(settings.omegaExt()));
          }
        }
        total = loss.getFloat();
        logits = logit.toFloatArray();
        if (Float.isFinite(total)) {
          gc.backward(loss);
        }
      }
      if (!Float.isFinite(total) || !gradientsFinite()) {
        stats.forEach((p, v) -> p.getArray().set(v));
        return skip(total, lCl, lAm, lE, mining);
      }
      nonFinite = 0;
      trainer.step();
      if (mining && settings.averaging() > 0) {
        updateAverage();
      }
      float acc = Metrics.exactMatch(logits, batch.labels(), n, c, 0f);
      accuracyEma = !accuracySeeded ? acc : accuracyEma + ACCURACY_EMA * (acc - accuracyEma);
      accuracySeeded = true;
      updateMiningSwitch();
      return new StepResult(step, total, lCl, lAm, lE, acc, mining, false);
    }
  }

  /**
   * Steps in a row whose loss or gradients were not finite before the trainer gives up: one such
   * batch is skipped, a run of them means the weights or the data are broken.
   */
  static final int MAX_NON_FINITE_STEPS = 10;

  /**
   * A step whose loss or gradients are NaN or infinite changes nothing: no optimiser update (Adam's
   * moments would carry the NaN into every later step), no moving average, no accuracy, and the
   * batch-norm statistics as they were before the batch. PyTorch's AVX-512 kernels on this
   * project's machine produced such steps (docs/QUALITY.md, session 10); before this check they
   * turned every weight into NaN and the release into noise.
   */
  private StepResult skip(float total, float lCl, float lAm, float lE, boolean mining) {
    zeroGradients();
    nonFinite++;
    skipped++;
    LOG.warn(
        "step {}: non-finite {} (loss {}): update skipped ({} in a row)",
        step,
        Float.isFinite(total) ? "gradients" : "loss",
        total,
        nonFinite);
    if (nonFinite >= MAX_NON_FINITE_STEPS) {
      throw new IllegalStateException(
          "training diverged: "
              + nonFinite
              + " steps in a row gave a non-finite loss or gradients (last loss "
              + total
              + ")");
    }
    return new StepResult(step, total, lCl, lAm, lE, Float.NaN, mining, true);
  }

  /** A copy of every batch-norm running mean and variance (a few thousand floats). */
  private Map<Parameter, float[]> runningStatistics() {
    Map<Parameter, float[]> m = new IdentityHashMap<>();
    for (Pair<String, Parameter> p : network.getParameters()) {
      Parameter.Type t = p.getValue().getType();
      if (t == Parameter.Type.RUNNING_MEAN || t == Parameter.Type.RUNNING_VAR) {
        m.put(p.getValue(), p.getValue().getArray().toFloatArray());
      }
    }
    return m;
  }

  /** Whether every gradient of this step is finite; one sum over all of them, read once. */
  private boolean gradientsFinite() {
    NDArray sum = null;
    List<NDArray> parts = new ArrayList<>();
    for (Pair<String, Parameter> p : network.getParameters()) {
      NDArray w = p.getValue().getArray();
      if (!w.hasGradient()) {
        continue;
      }
      NDArray g = w.getGradient();
      if (g == null) {
        continue;
      }
      parts.add(g);
      NDArray s = g.sum();
      parts.add(s);
      sum = sum == null ? s : sum.add(s);
      parts.add(sum);
    }
    try {
      return sum == null || Float.isFinite(sum.getFloat());
    } finally {
      parts.forEach(NDArray::close);
    }
  }

  /**
   * Writes zeros into every gradient in place (NaN · 0 is NaN, so no arithmetic can clear them; and
   * {@code set(float[])} would swap the gradient's storage for a Java buffer, which the next
   * backward pass cannot write into).
   */
  private void zeroGradients() {
    for (Pair<String, Parameter> p : network.getParameters()) {
      NDArray w = p.getValue().getArray();
      if (w.hasGradient()) {
        NDArray g = w.getGradient();
        if (g != null) {
          g.set(new NDIndex("..."), 0f);
          g.close();
        }
      }
    }
  }

  /** Steps skipped so far for a non-finite loss or gradients. */
  public long skippedSteps() {
    return skipped;
  }

  private void checkBatch(Batch b) {
    int s = spec.inputSize();
    int c = spec.numClasses();
    long plane = (long) s * s;
    if (b.size() < 1
        || b.images().length != b.size() * 3 * plane
        || b.labels().length != (long) b.size() * c
        || (b.masks() != null && b.masks().length != b.size() * c * plane)) {
      throw new IllegalArgumentException(
          "batch does not fit the network: expected N images of 3x"
              + s
              + "x"
              + s
              + ", N x "
              + c
              + " labels and optional N x "
              + c
              + "x"
              + s
              + "x"
              + s
              + " masks; got N="
              + b.size()
              + ", "
              + b.images().length
              + " image floats, "
              + b.labels().length
              + " label floats");
    }
  }

  /**
   * Classification has stopped improving for this many steps: it has converged as far as it will.
   */
  static final int PLATEAU_STEPS = 300;

  private void updateMiningSwitch() {
    if (accuracyEma > bestAccuracyEma + 0.03f) {
      bestAccuracyEma = accuracyEma;
      bestAccuracyStep = step;
    }
    boolean converged =
        accuracyEma >= settings.miningStartAccuracy() || step - bestAccuracyStep >= PLATEAU_STEPS;
    if (!miningActive
        && miningHeld == null
        && settings.method().mines()
        && step >= settings.warmupSteps()
        && converged) {
      miningActive = true;
    }
  }

  /** Multi-label soft-margin loss: mean binary cross-entropy on logits, numerically stable. */
  static NDArray classificationLoss(NDArray logits, NDArray labels) {
    return Activation.relu(logits)
        .sub(logits.mul(labels))
        .add(logits.abs().neg().exp().add(1).log())
        .mean();
  }

  /**
   * {@code L_am}: for every (image, ground-truth class) pair, the image with its soft mask {@code
   * T(A^c)} erased is scored again; the loss is the sigmoid score of c, averaged over the image's n
   * classes and then over images. Images without labels contribute nothing.
   */
  private NDArray attentionMiningLoss(NDArray x, NDArray attention, Batch batch) {
    int n = batch.size();
    int c = spec.numClasses();
    List<NDArray> images = new ArrayList<>();
    List<NDArray> maps = new ArrayList<>();
    List<Integer> classes = new ArrayList<>();
    List<Float> weights = new ArrayList<>();
    int labelled = 0;
    for (int i = 0; i < n; i++) {
      if (countLabels(batch.labels(), i, c) > 0) {
        labelled++;
      }
    }
    if (labelled == 0) {
      return null;
    }
    for (int i = 0; i < n; i++) {
      int k = countLabels(batch.labels(), i, c);
      for (int j = 0; j < c; j++) {
        if (batch.labels()[i * c + j] > 0.5f) {
          images.add(x.get(i));
          maps.add(attention.get(i, j));
          classes.add(j);
          weights.add(1f / (k * labelled));
        }
      }
    }
    int pairs = classes.size();
    NDArray soft =
        Activation.sigmoid(
            NDArrays.stack(new NDList(maps)).sub(settings.sigma()).mul(settings.omega()));
    NDArray erased = NDArrays.stack(new NDList(images)).mul(soft.expandDims(1).neg().add(1));
    NDArray erasedLogits = network.forward(store, new NDList(erased), false).get(0);
    float[] select = new float[pairs * c];
    float[] w = new float[pairs];
    for (int p = 0; p < pairs; p++) {
      select[p * c + classes.get(p)] = 1f;
      w[p] = weights.get(p);
    }
    NDManager m = x.getManager();
    NDArray score =
        Activation.sigmoid(erasedLogits)
            .mul(m.create(select, new Shape(pairs, c)))
            .sum(new int[] {1});
    return score.mul(m.create(w)).sum();
  }

  /** {@code L_e}: mean squared error between attention and pixel labels, over labelled pairs. */
  private NDArray pixelLoss(NDArray attention, Batch batch, NDManager sub) {
    int n = batch.size();
    int c = spec.numClasses();
    int s = spec.inputSize();
    float[] w = new float[n * c];
    int pairs = 0;
    for (int i = 0; i < n; i++) {
      if (!batch.hasMask()[i]) {
        continue;
      }
      for (int j = 0; j < c; j++) {
        if (batch.labels()[i * c + j] > 0.5f) {
          w[i * c + j] = 1f;
          pairs++;
        }
      }
    }
    if (pairs == 0) {
      return null;
    }
    for (int k = 0; k < w.length; k++) {
      w[k] /= pairs;
    }
    NDArray target = sub.create(batch.masks(), new Shape(n, c, s, s));
    NDArray mse = attention.sub(target).square().reshape(n, c, (long) s * s).mean(new int[] {2});
    return mse.mul(sub.create(w, new Shape(n, c))).sum();
  }

  private static int countLabels(float[] labels, int i, int c) {
    int k = 0;
    for (int j = 0; j < c; j++) {
      if (labels[i * c + j] > 0.5f) {
        k++;
      }
    }
    return k;
  }

  /** Probabilities and normalised attention maps with inference-mode batch-norm. */
  public Prediction predict(float[] images, int n) {
    int s = spec.inputSize();
    if (n < 1 || images.length != n * 3 * s * s) {
      throw new IllegalArgumentException(
          "expected " + n + " images of 3x" + s + "x" + s + ", got " + images.length + " floats");
    }
    try (NDManager sub = trainer.getManager().newSubManager()) {
      NDArray x = sub.create(images, new Shape(n, 3, s, s));
      NDList out = network.forward(new ParameterStore(sub, false), new NDList(x), false);
      float[] probs = Activation.sigmoid(out.get(0)).toFloatArray();
      float[] att = network.maps(out).toFloatArray();
      return new Prediction(n, spec.numClasses(), s, probs, att);
    }
  }

  @Override
  public void close() {
    dropAverage();
    trainer.close();
    model.close();
  }
}
