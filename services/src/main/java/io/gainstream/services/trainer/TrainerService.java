package io.gainstream.services.trainer;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.input.ClassCatalog;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.input.InvalidInputException;
import io.gainstream.model.labels.ProxyLabels;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.onnx.ModelInfo;
import io.gainstream.model.onnx.OnnxExporter;
import io.gainstream.model.onnx.OnnxImporter;
import io.gainstream.model.release.LabelRecipe;
import io.gainstream.model.train.Augmentation;
import io.gainstream.model.train.Batches;
import io.gainstream.model.train.CollapseGuard;
import io.gainstream.model.train.Example;
import io.gainstream.model.train.GainSettings;
import io.gainstream.model.train.GainTrainer;
import io.gainstream.model.train.HeldOutSplit;
import io.gainstream.model.train.Method;
import io.gainstream.model.train.ReleaseGate;
import io.gainstream.model.train.StepResult;
import io.gainstream.model.train.Validation;
import io.gainstream.proto.v1.ImageEvent;
import io.gainstream.proto.v1.ModelRelease;
import io.gainstream.services.http.HttpEndpoint;
import io.gainstream.services.http.Meters;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.topology.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * The trainer: consumes {@code training-samples}, keeps a bounded replay buffer, trains GAIN
 * continuously, and publishes a release to the compacted {@code models} topic every {@code
 * releaseEvery} steps (and when it stops at {@code maxSteps}). Each release is also written as a
 * checkpoint first. After a restart it resumes from the newest release on the topic or the newest
 * intact checkpoint, whichever is newer; versions never go back.
 */
public final class TrainerService implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);

  /**
   * @param modelName key of the releases on the models topic
   * @param classes class names (index k − 1 is class k)
   * @param spec network shape
   * @param settings method and hyper-parameters
   * @param releaseEvery steps between releases
   * @param maxSteps stop after this many steps in total (0 = run until closed)
   * @param replayCapacity images kept for replay
   * @param startAfterSamples start training once this many samples are buffered ...
   * @param startAfterIdleMs ... or once samples stopped arriving for this long (with at least one)
   * @param checkpoints checkpoint store
   * @param groupId name of the trainer in logs and client ids
   * @param samplesTopic topic of training samples
   * @param modelsTopic topic of releases
   * @param limits decode limits for samples
   * @param guarding held-out share, collapse guard and release gate
   * @param backbone imported feature extractor, or null for the built-in network
   * @param labelSize input side of the releases (what the pipeline labels at): {@code spec}'s own
   *     size, or a larger multiple of the network's stride (same weights, a finer attention grid)
   */
  public record Options(
      String modelName,
      List<String> classes,
      NetworkSpec spec,
      GainSettings settings,
      int releaseEvery,
      long maxSteps,
      int replayCapacity,
      int startAfterSamples,
      long startAfterIdleMs,
      Checkpoints checkpoints,
      String groupId,
      String samplesTopic,
      String modelsTopic,
      DecodeLimits limits,
      Guarding guarding,
      Backbone backbone,
      int labelSize,
      byte[] init) {

    public Options {
      if (labelSize < spec.inputSize()) {
        throw new IllegalArgumentException(
            "label size " + labelSize + " is below the training input " + spec.inputSize());
      }
    }

    /** Starts from scratch when there is nothing to resume. */
    public Options(
        String modelName,
        List<String> classes,
        NetworkSpec spec,
        GainSettings settings,
        int releaseEvery,
        long maxSteps,
        int replayCapacity,
        int startAfterSamples,
        long startAfterIdleMs,
        Checkpoints checkpoints,
        String groupId,
        String samplesTopic,
        String modelsTopic,
        DecodeLimits limits,
        Guarding guarding,
        Backbone backbone,
        int labelSize) {
      this(
          modelName,
          classes,
          spec,
          settings,
          releaseEvery,
          maxSteps,
          replayCapacity,
          startAfterSamples,
          startAfterIdleMs,
          checkpoints,
          groupId,
          samplesTopic,
          modelsTopic,
          limits,
          guarding,
          backbone,
          labelSize,
          null);
    }

    /**
     * The same, starting from the release {@code onnx} (a saved model, {@code trainer --init}) when
     * neither the models topic nor the checkpoints hold one: a restart resumes from its own newest
     * release, never from this file again.
     */
    public Options withInit(byte[] onnx) {
      return new Options(
          modelName,
          classes,
          spec,
          settings,
          releaseEvery,
          maxSteps,
          replayCapacity,
          startAfterSamples,
          startAfterIdleMs,
          checkpoints,
          groupId,
          samplesTopic,
          modelsTopic,
          limits,
          guarding,
          backbone,
          labelSize,
          onnx);
    }

    /** Releases label at the size the network trains at. */
    public Options(
        String modelName,
        List<String> classes,
        NetworkSpec spec,
        GainSettings settings,
        int releaseEvery,
        long maxSteps,
        int replayCapacity,
        int startAfterSamples,
        long startAfterIdleMs,
        Checkpoints checkpoints,
        String groupId,
        String samplesTopic,
        String modelsTopic,
        DecodeLimits limits,
        Guarding guarding,
        Backbone backbone) {
      this(
          modelName,
          classes,
          spec,
          settings,
          releaseEvery,
          maxSteps,
          replayCapacity,
          startAfterSamples,
          startAfterIdleMs,
          checkpoints,
          groupId,
          samplesTopic,
          modelsTopic,
          limits,
          guarding,
          backbone,
          spec.inputSize());
    }
  }

  /**
   * How the trainer judges itself on samples it never trains on.
   *
   * @param heldOutShare share of images (by a hash of the id) kept for validation
   * @param guard the collapse guard's checks
   * @param gate which releases may be published
   */
  public record Guarding(double heldOutShare, CollapseGuard.Settings guard, ReleaseGate gate) {
    public Guarding {
      if (!(heldOutShare >= 0 && heldOutShare < 1)) {
        throw new IllegalArgumentException("held-out share must be in [0, 1), got " + heldOutShare);
      }
    }

    public static Guarding defaults() {
      return new Guarding(0.1, CollapseGuard.Settings.defaults(), ReleaseGate.defaults());
    }
  }

  private final KafkaConnection kafka;
  private final Options o;
  private final Consumer<StepResult> onStep;
  private volatile boolean running = true;
  private volatile long publishedVersion = -1;
  private volatile Throwable failure;
  private volatile long steps;
  private volatile float lastLoss = Float.NaN;
  private volatile float lastAccuracy = Float.NaN;
  private volatile int buffered;
  private volatile boolean mining;
  private volatile long heldBack;
  private volatile long fallbacks;
  private boolean toldTooFew;

  /** Release metadata: the held-out hash band and the images held out beside it. */
  static final String HELD_OUT_SHARE = "held_out_share";

  static final String HELD_OUT_EXTRA = "held_out_extra";

  static final String HELD_OUT_KEPT = "held_out_kept";

  /** Which samples validate; the configured share until training starts. */
  private HeldOutSplit.Split split;

  /** Whether {@link #split} came from the release this run resumed. */
  private boolean resumedSplit;

  /** The split a resumed release was trained under, if it names one. */
  private void readSplit(Map<String, String> extra) {
    String share = extra.get(HELD_OUT_SHARE);
    if (share == null) {
      return;
    }
    split =
        new HeldOutSplit.Split(
            Math.max(o.guarding().heldOutShare(), Double.parseDouble(share)),
            ids(extra.get(HELD_OUT_EXTRA)),
            ids(extra.get(HELD_OUT_KEPT)));
    resumedSplit = true;
  }

  private static Set<String> ids(String joined) {
    return joined == null || joined.isEmpty()
        ? Set.of()
        : new HashSet<>(Arrays.asList(joined.split("\n")));
  }

  /** This run resumed a release that was already mining: the guard's baseline is no warm-up. */
  private boolean resumedMining;

  private volatile String lastFallbackReason;
  private volatile int rollbacks;

  /** Whether the newest release is the warm-up classifier, put back by a rollback. */
  private volatile boolean releasedWarmUp;

  private volatile String miningHeld;

  private volatile Validation.Figures publishedFigures;
  private volatile Validation.Figures miningBaseline;
  private volatile String lastHoldReason;
  private Meters meters;

  public TrainerService(KafkaConnection kafka, Options options, Consumer<StepResult> onStep) {
    this.kafka = kafka;
    this.o = options;
    this.onStep = onStep;
  }

  /** Version of the last release this trainer published (−1 before the first). */
  public long publishedVersion() {
    return publishedVersion;
  }

  /** Validation figures of the newest release published (or resumed from); null if none. */
  public Validation.Figures publishedFigures() {
    return publishedFigures;
  }

  /** Collapses the guard rolled back. */
  public int rollbacks() {
    return rollbacks;
  }

  /**
   * Whether the newest release is the warm-up classifier because the guard rolled mining back to it
   * at the release's step.
   */
  public boolean releasedWarmUp() {
    return releasedWarmUp;
  }

  /**
   * Held-out figures when attention mining started (null before it, or without enough held-out
   * samples).
   */
  public Validation.Figures miningBaseline() {
    return miningBaseline;
  }

  /** Releases that fell back to the warm-up classifier. */
  public long fallbacks() {
    return fallbacks;
  }

  private static final Marker FILE_ONLY = MarkerFactory.getMarker("gainstream.file-only");

  private static float ema(float avg, float x) {
    return Float.isNaN(avg) ? x : avg + 0.05f * (x - avg);
  }

  /** Why the newest fallback happened, or null if none did. */
  public String lastFallbackReason() {
    return lastFallbackReason;
  }

  /** Releases the gate held back. */
  public long heldBack() {
    return heldBack;
  }

  /** Why the newest release was held back, or null if none was. */
  public String lastHoldReason() {
    return lastHoldReason;
  }

  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * What this trainer's releases name for their labels (the built-in network's or a backbone's).
   */
  private LabelRecipe.Named named() {
    return o.backbone() == null ? LabelRecipe.Named.BUILT_IN : LabelRecipe.Named.BACKBONE;
  }

  /**
   * Thresholds this trainer's releases are validated with: those the release names, else the
   * default.
   */
  private ProxyLabels.Thresholds labelThresholds() {
    return named().thresholdsOrDefault();
  }

  /**
   * Photos under a backbone train with flips and crops ({@link Augmentation#PHOTOS}); the built-in
   * network without.
   */
  private List<Example> augmented(List<Example> batch, Random rnd) {
    Augmentation aug =
        o.backbone() == null
            ? Augmentation.NONE
            : Augmentation.PHOTOS.withCutout(o.settings().cutout());
    int size = o.spec().inputSize();
    return batch.stream().map(e -> aug.apply(e, size, rnd)).toList();
  }

  @Override
  public void run() {
    try {
      train();
    } catch (Throwable t) {
      failure = t;
      LOG.error("trainer failed", t);
    }
  }

  private void train() {
    ReplayBuffer buffer = new ReplayBuffer(o.replayCapacity());
    ReplayBuffer heldOut = new ReplayBuffer(o.replayCapacity());
    SampleDecoder decoder =
        new SampleDecoder(new ClassCatalog(o.classes()), o.limits(), o.spec().inputSize());
    Random rnd = new Random(o.settings().seed());
    split = new HeldOutSplit.Split(o.guarding().heldOutShare());
    resumedSplit = false;
    boolean masks = o.settings().method() == Method.GAIN_EXT;
    Map<String, Object> cprops = kafka.consumer(null);
    cprops.put(ConsumerConfig.CLIENT_ID_CONFIG, o.groupId());
    try (GainTrainer trainer = new GainTrainer(o.spec(), o.settings(), o.backbone());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cprops);
        KafkaProducer<String, ModelRelease> producer =
            Topics.models(o.modelsTopic()).producer(kafka.producer())) {
      trainer
          .network()
          .featureSizeAt(
              o.labelSize()); // a label size off the network's stride fails now, not at the
      // first release
      CollapseGuard guard =
          new CollapseGuard(o.guarding().guard(), trainer, heldOut::all, labelThresholds());
      long version = resume(trainer);
      resumedMining = trainer.miningActive();
      replayFromRecentSamples(consumer);
      long lastArrival = System.currentTimeMillis();
      boolean started = false;
      float lossEma = Float.NaN;
      float clEma = Float.NaN;
      float amEma = Float.NaN;
      float accEma = Float.NaN;
      long sinceRelease = 0;
      while (running && (o.maxSteps() == 0 || trainer.steps() < o.maxSteps())) {
        for (ConsumerRecord<String, byte[]> r :
            consumer.poll(Duration.ofMillis(started ? 0 : 200))) {
          try {
            Example e = decoder.decode(ImageEvent.parseFrom(r.value()));
            (split.heldOut(e.id()) ? heldOut : buffer).add(e);
            lastArrival = System.currentTimeMillis();
          } catch (InvalidProtocolBufferException | InvalidInputException e) {
            LOG.warn("skipping training sample {}: {}", r.key(), e.getMessage());
          }
        }
        if (!started) {
          boolean idle =
              buffer.size() > 0 && System.currentTimeMillis() - lastArrival >= o.startAfterIdleMs();
          boolean enough = buffer.size() + heldOut.size() >= o.startAfterSamples() || idle;
          int judge = o.guarding().guard().minImages();
          int n = buffer.size() + heldOut.size();
          if (enough && !HeldOutSplit.judgeable(n, judge)) {
            String why =
                n
                    + " samples cannot train and validate a release: "
                    + 3 * judge
                    + " needed ("
                    + judge
                    + " held out, twice as many to train on)";
            if (o.maxSteps() > 0
                && System.currentTimeMillis() - lastArrival >= 10 * o.startAfterIdleMs()) {
              throw new IllegalStateException(why); // a bounded run (label) gets no more
            }
            if (!toldTooFew) {
              LOG.warn("waiting for samples: {}", why);
              toldTooFew = true;
            }
            continue;
          }
          started = buffer.size() > 0 && enough;
          if (started) {
            // hold out enough to judge, whatever the share gave (HeldOutSplit)
            List<Example> all = new ArrayList<>(buffer.all());
            all.addAll(heldOut.all());
            if (!resumedSplit) {
              // a resumed trainer keeps the split its weights were trained under
              split = HeldOutSplit.choose(all, o.guarding().heldOutShare(), judge);
            }
            HeldOutSplit.Split chosen = split;
            buffer
                .take(
                    all.stream()
                        .map(Example::id)
                        .filter(chosen::heldOut)
                        .collect(Collectors.toSet()))
                .forEach(heldOut::add);
            buffer.sortById();
            heldOut.sortById();
            LOG.info(
                "training {} on {} buffered samples, {} held out for validation",
                o.settings().method(),
                buffer.size(),
                heldOut.size());
          }
          continue;
        }
        holdMiningWithoutPixelEvidence(trainer, heldOut);
        for (int i = 0; i < 10 && (o.maxSteps() == 0 || trainer.steps() < o.maxSteps()); i++) {
          StepResult s =
              trainer.step(
                  Batches.of(
                      augmented(buffer.sample(o.settings().batchSize(), rnd), rnd),
                      o.spec().numClasses(),
                      o.spec().inputSize(),
                      masks));
          if (!s.skipped()) {
            lossEma = Float.isNaN(lossEma) ? s.total() : lossEma + 0.05f * (s.total() - lossEma);
            accEma = Float.isNaN(accEma) ? s.accuracy() : accEma + 0.05f * (s.accuracy() - accEma);
            clEma = ema(clEma, s.classification());
            amEma = ema(amEma, s.attentionMining());
          }
          CollapseGuard.Event event = guard.afterStep();
          if (event != CollapseGuard.Event.NONE && guard.last() != null) {
            // the trail of a mining run, for the log file: what the losses and the held-out
            // figures did between checks (docs/QUALITY.md reads collapses from it)
            LOG.info(
                FILE_ONLY,
                "mining check at step {} ({}): L_cl {} L_am {} alpha {}; {}; attended area {}",
                trainer.steps(),
                event,
                String.format("%.4f", clEma),
                String.format("%.4f", amEma),
                trainer.alpha(),
                guard.last().summary(),
                String.format("%.3f", guard.last().attendedArea()));
          }
          rollbacks = guard.rollbacks();
          miningBaseline = guard.baseline();
          onStep.accept(s);
          steps = trainer.steps();
          lastLoss = lossEma;
          lastAccuracy = accEma;
          buffered = buffer.size();
          mining = trainer.miningActive();
          if (++sinceRelease >= o.releaseEvery()) {
            version =
                release(trainer, guard, heldOut, producer, version, lossEma, accEma, buffer.size());
            sinceRelease = 0;
          }
        }
      }
      if (sinceRelease > 0 && trainer.steps() > 0) {
        release(trainer, guard, heldOut, producer, version, lossEma, accEma, buffer.size());
      }
    }
  }

  /**
   * Starts reading the samples topic far enough back to refill the replay buffer: the buffer is
   * memory, so after a restart the newest {@code replayCapacity} samples are read again rather than
   * continuing from a committed offset with an empty buffer.
   */
  private void replayFromRecentSamples(KafkaConsumer<String, byte[]> consumer) {
    List<TopicPartition> parts =
        consumer.partitionsFor(o.samplesTopic(), Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(parts);
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts);
    Map<TopicPartition, Long> end = consumer.endOffsets(parts);
    long perPartition = (o.replayCapacity() + parts.size() - 1) / parts.size();
    for (TopicPartition tp : parts) {
      consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) - perPartition));
    }
  }

  /** Loads the newest release or checkpoint into the trainer; returns its version (0 if none). */
  private long resume(GainTrainer trainer) {
    Optional<ModelRelease> onTopic = newestRelease();
    Optional<Checkpoints.Checkpoint> onDisk = o.checkpoints().newest();
    long topicVersion = onTopic.map(ModelRelease::getVersion).orElse(0L);
    long diskVersion = onDisk.map(Checkpoints.Checkpoint::version).orElse(0L);
    byte[] onnx = null;
    if (diskVersion > topicVersion) {
      onnx = onDisk.get().onnx();
    } else if (topicVersion > 0) {
      onnx = onTopic.get().getOnnx().toByteArray();
    }
    long version = Math.max(topicVersion, diskVersion);
    if (onnx == null && o.init() != null) {
      // an explicit starting point: a file that does not fit this trainer is an error, not a silent
      // fresh start
      ModelInfo info = OnnxImporter.load(o.init(), trainer.network());
      trainer.resumeAt(info.steps(), info.miningActive());
      LOG.info(
          "starting from the given release ({} {} at step {}); first release of this stack: 1",
          info.method(),
          info.version(),
          info.steps());
    } else if (onnx != null) {
      try {
        ModelInfo info = OnnxImporter.load(onnx, trainer.network());
        trainer.resumeAt(info.steps(), info.miningActive());
        publishedFigures = Validation.Figures.fromMetrics(parseMetrics(info.extra()));
        readSplit(info.extra());
        LOG.info("resumed from release {} at step {}", info.version(), info.steps());
      } catch (RuntimeException e) {
        LOG.warn(
            "cannot resume from release {} ({}); training from scratch, next version {}",
            version,
            e.getMessage(),
            version + 1);
      }
    }
    publishedVersion = version > 0 ? version : -1;
    return version;
  }

  private Optional<ModelRelease> newestRelease() {
    Map<String, Object> props = kafka.consumer(null);
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
      List<TopicPartition> parts =
          c.partitionsFor(o.modelsTopic(), Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      ModelRelease best = null;
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
          if (!o.modelName().equals(r.key()) || r.value() == null) {
            continue;
          }
          try {
            ModelRelease m = ModelRelease.parseFrom(r.value());
            if (best == null || m.getVersion() > best.getVersion()) {
              best = m;
            }
          } catch (InvalidProtocolBufferException e) {
            LOG.warn("skipping unreadable release at offset {}", r.offset());
          }
        }
      }
      return Optional.ofNullable(best);
    }
  }

  /**
   * Validates the current weights (after one last collapse check, so collapsed weights are rolled
   * back before anyone sees them) and publishes them as {@code version + 1} if the gate lets them
   * through; a held-back release is logged and counted and takes no version.
   *
   * @return the newest published version
   */
  private long release(
      GainTrainer trainer,
      CollapseGuard guard,
      ReplayBuffer heldOut,
      KafkaProducer<String, ModelRelease> producer,
      long version,
      float loss,
      float acc,
      int buffered) {
    guard.checkNow();
    rollbacks = guard.rollbacks();
    releasedWarmUp = guard.atWarmUp();
    // the release is the moving average of the mined weights when averaging is on: validate and
    // publish that, then train on from the last step's weights
    Validation.Figures f;
    try (GainTrainer.AveragedWeights averaged = trainer.useAveragedWeights()) {
      f =
          heldOut.size() >= o.guarding().guard().minImages()
              ? Validation.evaluate(trainer, heldOut.all(), labelThresholds())
              : null;
      if (fallBackReason(trainer, guard, heldOut, f) == null) {
        return publish(trainer, producer, version, loss, acc, buffered, f);
      }
    }
    // the mined weights validate worse than the classifier they started from: that classifier is
    // the release, and training goes on from it with a gentler alpha
    trainer.restore(guard.warmedUp(), trainer.alpha() / 2);
    guard.fellBack(trainer.steps());
    rollbacks = guard.rollbacks();
    fallbacks++;
    Validation.Figures warm = Validation.evaluate(trainer, heldOut.all(), labelThresholds());
    LOG.warn(
        "{} fell back to its warm-up classifier at step {}: {}",
        o.settings().method().id(),
        trainer.steps(),
        lastFallbackReason);
    return publish(trainer, producer, version, loss, acc, buffered, warm);
  }

  /**
   * On photos (an imported backbone) self-guided mining may start only once held-out pixel labels
   * can judge it: without them the label-free measures cannot tell attention moving onto the object
   * from attention moving onto the scenery that gives the class away, and on both photo folders
   * mining took the second road every time (docs/QUALITY.md). Until then the run trains on as a
   * classifier, as cam does, instead of spending its steps on mining that the release rule would
   * throw away. gain-ext learns from the given masks, so it is not held; neither is the built-in
   * network, whose synthetic scenes the label-free measures do judge. A run resumed from a mining
   * release without held-out pixel labels goes on without mining too.
   */
  private void holdMiningWithoutPixelEvidence(GainTrainer trainer, ReplayBuffer heldOut) {
    boolean photos =
        o.backbone() != null
            && o.settings().method().mines()
            && o.settings().method() != Method.GAIN_EXT
            && heldOut.all().stream().noneMatch(e -> e.mask() != null);
    if (photos && resumedMining) {
      // resumed from a release that was mining (before this rule, or with pixel labels that this
      // run's held-out set lacks): nothing here could judge it, so it goes on as a classifier
      trainer.resumeAt(trainer.steps(), false);
      resumedMining = false;
    }
    boolean held = photos && !trainer.miningActive();
    if (held && trainer.miningHeld() == null) {
      LOG.info("attention mining held off: {}", CollapseGuard.NO_PIXEL_EVIDENCE);
    }
    trainer.holdMining(held ? CollapseGuard.NO_PIXEL_EVIDENCE : null);
    miningHeld = trainer.miningHeld();
  }

  /** Whether attention mining is held off for want of held-out pixel labels, and why (or null). */
  public String miningHeld() {
    return miningHeld;
  }

  /**
   * Why the release's weights (figures {@code f}) are worse than the warm-up classifier's on the
   * same held-out images, or null when they are not, or there is no warm-up classifier to compare
   * with (no mining yet, or no validation), or they are the warm-up classifier's (a rollback put
   * them back).
   */
  private String fallBackReason(
      GainTrainer trainer, CollapseGuard guard, ReplayBuffer heldOut, Validation.Figures f) {
    if (f == null
        || guard.warmedUp() == null
        || guard.atWarmUp()
        || !o.settings().method().mines()
        || resumedMining) {
      // no warm-up classifier to compare with: none yet, or this run resumed mid-mining
      return null;
    }
    Validation.Figures warm;
    try (GainTrainer.AveragedWeights swap = trainer.swapIn(guard.warmedUp())) {
      warm = Validation.evaluate(trainer, heldOut.all(), labelThresholds());
    }
    // "match or beat": worse by more than one held-out image's worth
    String why = CollapseGuard.worseThan(warm, f, 1e-9);
    if (why == null
        && o.backbone() != null
        && o.settings().method() != Method.GAIN_EXT
        && !f.hasPixels()) {
      // photos: the label-free measures cannot tell attention on the object from attention on the
      // scenery that gives the class away (docs/QUALITY.md), so mined weights need pixel evidence
      why = CollapseGuard.NO_PIXEL_EVIDENCE;
    }
    if (why != null) {
      lastFallbackReason = why;
    }
    return why;
  }

  private static Map<String, Double> parseMetrics(Map<String, String> extra) {
    Map<String, Double> m = new HashMap<>();
    extra.forEach(
        (k, v) -> {
          try {
            m.put(k, Double.parseDouble(v));
          } catch (NumberFormatException e) {
            // not a figure (seeds, names)
          }
        });
    return m;
  }

  /**
   * The gate's decision on {@code figures}, then the current weights published as {@code version +
   * 1}, or held back (counted, no version taken); returns the newest published version.
   */
  private long publish(
      GainTrainer trainer,
      KafkaProducer<String, ModelRelease> producer,
      long published,
      float loss,
      float acc,
      int buffered,
      Validation.Figures figures) {
    ReleaseGate.Decision d = o.guarding().gate().decide(figures, publishedFigures);
    if (!d.publish()) {
      heldBack++;
      lastHoldReason = d.reason();
      LOG.warn(
          "held back {} release at step {}: {}{}",
          o.modelName(),
          trainer.steps(),
          d.reason(),
          figures == null ? "" : " (" + figures.summary() + ")");
      return published;
    }
    long version = published + 1;
    Map<String, String> extra = new HashMap<>();
    extra.put(HELD_OUT_SHARE, Double.toString(split.share()));
    extra.put(HELD_OUT_EXTRA, String.join("\n", new TreeSet<>(split.extra())));
    extra.put(HELD_OUT_KEPT, String.join("\n", new TreeSet<>(split.kept())));
    extra.put("loss", Float.toString(loss));
    extra.put("accuracy", Float.toString(acc));
    if (figures != null) {
      figures.metrics().forEach((k, v) -> extra.put(k, Double.toString(v)));
    }
    if (trainer.averaging()) {
      extra.put("weight_average_decay", Float.toString(o.settings().averaging()));
    }
    extra.putAll(named().toExtra());
    byte[] onnx =
        OnnxExporter.export(
            trainer.network(),
            new ModelInfo(
                o.spec().withInputSize(o.labelSize()),
                o.classes(),
                o.settings().method().id(),
                version,
                trainer.steps(),
                trainer.miningActive(),
                extra));
    o.checkpoints().write(version, onnx);
    ModelRelease.Builder release =
        ModelRelease.newBuilder()
            .setName(o.modelName())
            .setVersion(version)
            .setOnnx(ByteString.copyFrom(onnx))
            .addAllClasses(o.classes())
            .setInputHeight(o.labelSize())
            .setInputWidth(o.labelSize())
            .setMethod(o.settings().method().id())
            .setStep(trainer.steps())
            .putMetrics("loss", loss)
            .putMetrics("accuracy", acc)
            .putMetrics("replay_buffer", buffered)
            .putMetrics("rollbacks", rollbacks)
            .setCreatedMs(System.currentTimeMillis());
    if (figures != null) {
      release.putAllMetrics(figures.metrics());
    }
    try {
      producer.send(Topics.models(o.modelsTopic()).record(o.modelName(), release.build())).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing release " + version, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot publish release " + version + ": " + e.getCause().getMessage(), e.getCause());
    }
    publishedVersion = version;
    publishedFigures = figures;
    LOG.info(
        "published {} release {} at step {} (loss {}, training accuracy {}; validation: {})",
        o.modelName(),
        version,
        trainer.steps(),
        loss,
        acc,
        figures == null ? "none" : figures.summary());
    return version;
  }

  /** The trainer's state in Prometheus' text format (the {@code /metrics} endpoint). */
  public synchronized HttpEndpoint.Body prometheus() {
    // made on the first scrape: only a trainer that serves /metrics binds the JVM's meters
    if (meters == null) {
      meters = meters();
    }
    return meters.scrape();
  }

  /** The trainer's figures for {@code /metrics}, read at each scrape. */
  private Meters meters() {
    return new Meters()
        .counter(
            "gainstream.trainer.steps",
            "Training steps taken (resumed count included).",
            () -> steps)
        .gauge("gainstream.trainer.loss", "Training loss, moving average.", () -> lastLoss)
        .gauge(
            "gainstream.trainer.accuracy",
            "Classification accuracy on training batches, moving average.",
            () -> lastAccuracy)
        .gauge("gainstream.trainer.replay.buffer", "Samples in the replay buffer.", () -> buffered)
        .gauge(
            "gainstream.trainer.mining",
            "1 once self-guided attention mining is on.",
            () -> mining ? 1 : 0)
        .gauge(
            "gainstream.model.version",
            "Newest release published (-1 before the first).",
            () -> publishedVersion)
        .gauge(
            "gainstream.trainer.failed",
            "1 if the training loop stopped on an error.",
            () -> failure == null ? 0 : 1)
        .counter(
            "gainstream.trainer.releases.held.back",
            "Releases the gate kept off the models topic.",
            () -> heldBack)
        .counter(
            "gainstream.trainer.rollbacks", "Collapses detected and rolled back.", () -> rollbacks)
        .gauge(
            "gainstream.model.validation.exact.match",
            "Held-out exact match of the newest published release.",
            () -> figure(Validation.Figures::exactMatch))
        .gauge(
            "gainstream.model.validation.map",
            "Held-out mAP of the newest published release.",
            () -> figure(Validation.Figures::meanAp))
        .gauge(
            "gainstream.model.validation.fg.miou",
            "Held-out foreground mIoU of the newest published release (NaN without pixel labels).",
            () -> figure(Validation.Figures::fgMiou));
  }

  private double figure(ToDoubleFunction<Validation.Figures> f) {
    Validation.Figures v = publishedFigures;
    return v == null ? Double.NaN : f.applyAsDouble(v);
  }

  /** Asks the loop to stop after the current step. */
  @Override
  public void close() {
    running = false;
  }
}
