package io.gainstream.services.trainer;

import io.gainstream.model.train.Augmentation;
import io.gainstream.model.train.Batches;
import io.gainstream.model.train.CollapseGuard;
import io.gainstream.model.train.Example;
import io.gainstream.model.train.GainTrainer;
import io.gainstream.model.train.HeldOutSplit;
import io.gainstream.model.train.Method;
import io.gainstream.model.train.StepResult;
import io.gainstream.model.train.Validation;
import io.gainstream.proto.v1.ModelRelease;
import io.gainstream.services.http.HttpEndpoint;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.topology.LogMarkers;
import io.gainstream.topology.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer: consumes {@code training-samples}, keeps a bounded replay buffer, trains GAIN
 * continuously, and publishes a release to the compacted {@code models} topic every {@code
 * releaseEvery} steps (and when it stops at {@code maxSteps}). Each release is also written as a
 * checkpoint first. After a restart it resumes from the newest release on the topic or the newest
 * intact checkpoint, whichever is newer; versions never go back.
 */
public final class TrainerService implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);

  private final KafkaConnection kafka;
  private final TrainerOptions o;
  private final Consumer<StepResult> onStep;
  private final TrainerStatus status = new TrainerStatus();
  private volatile boolean running = true;

  /** Which samples validate; the configured share until training starts. */
  private HeldOutSplit.Split split;

  /** Whether {@link #split} came from the release this run resumed. */
  private boolean resumedSplit;

  /** This run resumed a release that was already mining: the guard's baseline is no warm-up. */
  private boolean resumedMining;

  public TrainerService(
      KafkaConnection kafka, TrainerOptions options, Consumer<StepResult> onStep) {
    this.kafka = kafka;
    this.o = options;
    this.onStep = onStep;
  }

  /** What this trainer reports, read while it trains. */
  public TrainerStatus status() {
    return status;
  }

  // the status's figures, for callers that hold the service (see TrainerStatus for each)

  public long publishedVersion() {
    return status.publishedVersion();
  }

  public Validation.Figures publishedFigures() {
    return status.publishedFigures();
  }

  public int rollbacks() {
    return status.rollbacks();
  }

  public boolean releasedWarmUp() {
    return status.releasedWarmUp();
  }

  public Validation.Figures miningBaseline() {
    return status.miningBaseline();
  }

  public long fallbacks() {
    return status.fallbacks();
  }

  public String lastFallbackReason() {
    return status.lastFallbackReason();
  }

  public long heldBack() {
    return status.heldBack();
  }

  public String lastHoldReason() {
    return status.lastHoldReason();
  }

  public String miningHeld() {
    return status.miningHeld();
  }

  public Optional<Throwable> failure() {
    return status.failure();
  }

  public HttpEndpoint.Body prometheus() {
    return status.prometheus();
  }

  private static float ema(float avg, float x) {
    return Float.isNaN(avg) ? x : avg + 0.05f * (x - avg);
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
      status.failure = t;
      LOG.error("trainer failed", t);
    }
  }

  private void train() {
    ReplayBuffer buffer = new ReplayBuffer(o.replayCapacity());
    ReplayBuffer heldOut = new ReplayBuffer(o.replayCapacity());
    Random rnd = new Random(o.settings().seed());
    split = new HeldOutSplit.Split(o.guarding().heldOutShare());
    resumedSplit = false;
    boolean masks = o.settings().method() == Method.GAIN_EXT;
    try (GainTrainer trainer = new GainTrainer(o.spec(), o.settings(), o.backbone());
        SampleFeed feed = new SampleFeed(kafka, o, buffer, heldOut);
        KafkaProducer<String, ModelRelease> producer =
            Topics.models(o.modelsTopic()).producer(kafka.producer())) {
      trainer
          .network()
          .featureSizeAt(
              o.labelSize()); // a label size off the network's stride fails now, not at the
      // first release
      CollapseGuard guard =
          new CollapseGuard(
              o.guarding().guard(), trainer, heldOut::all, ReleasePublisher.thresholds(o));
      ReleasePublisher publisher = new ReleasePublisher(o, status, producer);
      ResumePoint.Resumed resumed = ResumePoint.load(trainer, kafka, o);
      long version = resumed.version();
      status.publishedVersion = version > 0 ? version : -1;
      status.publishedFigures = resumed.figures();
      if (resumed.split() != null) {
        split = resumed.split();
        resumedSplit = true;
      }
      resumedMining = trainer.miningActive();
      feed.rewind();
      boolean started = false;
      float lossEma = Float.NaN;
      float clEma = Float.NaN;
      float amEma = Float.NaN;
      float accEma = Float.NaN;
      long sinceRelease = 0;
      while (running && (o.maxSteps() == 0 || trainer.steps() < o.maxSteps())) {
        feed.poll(Duration.ofMillis(started ? 0 : 200), split);
        if (!started) {
          Optional<HeldOutSplit.Split> chosen = feed.start(resumedSplit ? split : null);
          if (chosen.isPresent()) {
            split = chosen.get();
            started = true;
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
                LogMarkers.FILE_ONLY,
                "mining check at step {} ({}): L_cl {} L_am {} alpha {}; {}; attended area {}",
                trainer.steps(),
                event,
                String.format("%.4f", clEma),
                String.format("%.4f", amEma),
                trainer.alpha(),
                guard.last().summary(),
                String.format("%.3f", guard.last().attendedArea()));
          }
          status.rollbacks = guard.rollbacks();
          status.miningBaseline = guard.baseline();
          onStep.accept(s);
          status.steps = trainer.steps();
          status.lastLoss = lossEma;
          status.lastAccuracy = accEma;
          status.buffered = buffer.size();
          status.mining = trainer.miningActive();
          if (++sinceRelease >= o.releaseEvery()) {
            version =
                publisher.release(
                    trainer,
                    guard,
                    heldOut,
                    version,
                    new ReleasePublisher.Progress(
                        lossEma, accEma, buffer.size(), split, resumedMining));
            sinceRelease = 0;
          }
        }
      }
      if (sinceRelease > 0 && trainer.steps() > 0) {
        publisher.release(
            trainer,
            guard,
            heldOut,
            version,
            new ReleasePublisher.Progress(lossEma, accEma, buffer.size(), split, resumedMining));
      }
    }
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
    status.miningHeld = trainer.miningHeld();
  }

  /** Asks the loop to stop after the current step. */
  @Override
  public void close() {
    running = false;
  }
}
