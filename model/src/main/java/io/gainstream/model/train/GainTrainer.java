package io.gainstream.model.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
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

  private final NetworkSpec spec;
  private final GainSettings settings;
  private final GainNetwork network;
  private final Model model;
  private final Trainer trainer;

  /** Same arrays as the trainer's own store (one CPU device: no copies), for the erased stream. */
  private final ParameterStore store;

  private long step;

  /** When attention mining switches on. */
  private final MiningSchedule mining;

  /** Skips steps whose loss or gradients are not finite. */
  private final NonFiniteGuard finite;

  /** α in use: the settings' α until a rollback makes mining gentler. */
  private float alpha;

  /** The moving average of the mined weights, what releases publish when averaging is on. */
  private final WeightAverage average;

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
    this.average = new WeightAverage(network, trainer.getManager(), settings.averaging());
    this.finite = new NonFiniteGuard(network);
    this.mining = new MiningSchedule(settings);
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
    return mining.active();
  }

  /**
   * Continues counting steps from a release (after {@link
   * io.gainstream.model.onnx.OnnxImporter#load}); a resumed run has passed its warm-up already.
   */
  public void resumeAt(long steps, boolean mining) {
    this.step = steps;
    this.mining.resume(mining);
  }

  /**
   * Keeps attention mining from starting while {@code reason} is non-null (the run trains on as a
   * classifier, as cam does); null lets it start at the next step that qualifies. Mining already on
   * stays on: the hold is a precondition for starting, not a rollback.
   */
  public void holdMining(String reason) {
    mining.hold(reason);
  }

  /** Why mining is held off, or null when it is not ({@link #holdMining}). */
  public String miningHeld() {
    return mining.held();
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
    return new Snapshot(step, values, average.values());
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
    average.restore(snapshot.average());
  }

  /** Whether releases would publish averaged weights now (mining has run with averaging on). */
  public boolean averaging() {
    return average.present();
  }

  /**
   * Puts the averaged weights into the network until the handle is closed, which puts the last
   * step's weights back so that training continues where it was. Everything that reads the network
   * in between (validation, export, {@link #predict}) sees the weights a release publishes. Without
   * an average (mining has not run, or averaging is off) it changes nothing.
   */
  public AveragedWeights useAveragedWeights() {
    return average.present() ? use(average.values()) : () -> {};
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
      boolean mining = settings.method().mines() && this.mining.active() && alpha > 0;
      boolean pixels = settings.method() == Method.GAIN_EXT && batch.anyMask();
      float lCl;
      float lAm = 0;
      float lE = 0;
      float total;
      float[] logits;
      // training-mode batch-norm updates its running statistics in the forward pass: kept, so that
      // a non-finite batch cannot poison the statistics inference uses
      Map<Parameter, float[]> stats = mining ? Map.of() : finite.runningStatistics();
      try (GradientCollector gc = trainer.newGradientCollector()) {
        // Once attention mining is on, both streams use the frozen batch-norm statistics. If only
        // the erased stream did, the network could learn to score low under running statistics
        // (what L_am rewards) and high under batch statistics (what L_cl rewards), and collapse
        // at inference, which uses the running statistics.
        NDList out =
            mining ? network.forward(store, new NDList(x), false) : trainer.forward(new NDList(x));
        NDArray logit = out.get(0);
        NDArray loss = GainLosses.classification(logit, y);
        if (network.head() == Head.ABN) {
          // L_per on the perception branch's scores, plus L_att on the attention branch's own
          loss = loss.add(GainLosses.classification(out.get(2), y));
        }
        if (network.head() == Head.SEENET) {
          // S_B finds the classes in the potential zone; S_C sees the background and must find none
          loss = loss.add(GainLosses.classification(out.get(2), y));
          loss = loss.add(GainLosses.classification(out.get(3), y.zerosLike()));
        }
        lCl = loss.getFloat();
        NDArray attention = mining || pixels ? network.attention(out.get(1)) : null;
        if (mining) {
          NDArray am = GainLosses.attentionMining(network, store, settings, x, attention, batch, c);
          if (am != null) {
            lAm = am.getFloat();
            loss = loss.add(am.mul(alpha));
          }
        }
        if (pixels) {
          NDArray le = GainLosses.pixel(attention, batch, sub, c, s);
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
      if (!Float.isFinite(total) || !finite.gradientsFinite()) {
        return finite.skip(step, stats, total, lCl, lAm, lE, mining);
      }
      finite.finite();
      trainer.step();
      if (mining && settings.averaging() > 0) {
        average.update();
      }
      float acc = Metrics.exactMatch(logits, batch.labels(), n, c, 0f);
      this.mining.afterStep(step, acc);
      return new StepResult(step, total, lCl, lAm, lE, acc, mining, false);
    }
  }

  /** Steps skipped so far for a non-finite loss or gradients. */
  public long skippedSteps() {
    return finite.skipped();
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
    average.close();
    trainer.close();
    model.close();
  }
}
