package io.gainstream.topology.internals;

import io.gainstream.model.infer.BatchAttention;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.release.LabelPath;
import io.gainstream.proto.v1.DeadLetter;
import io.gainstream.proto.v1.ModelRelease;
import io.gainstream.proto.v1.PendingImage;
import io.gainstream.topology.PipelineConfig;
import io.gainstream.topology.PipelineMetrics;
import io.gainstream.topology.errors.DeadLetters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attention stage: micro-batches validated images and runs them through ONNX Runtime.
 *
 * <p>Exactly-once: the batch buffer is a changelogged state store, not Java memory. An image is put
 * into the store when it arrives and deleted in the same transaction that forwards its result, so a
 * crash either loses neither or replays both (under {@code exactly_once_v2} the store, the outputs
 * and the input offsets commit together). A batch is flushed when it is full or, by a wall-clock
 * punctuator, when its oldest image has waited {@code batch.max.wait.ms}.
 *
 * <p>Transactions: a batch runs inside the stream thread's open transaction, which the broker
 * aborts after {@code transaction.timeout.ms}. So a batch is sized from the release's measured cost
 * per image ({@link BatchSizer}) to fit what is left of the thread's budget between two commits
 * ({@link TransactionBudget}); when nothing more fits, the rest of the buffer waits for the next
 * punctuation, and once half the budget is used the stage asks for a commit.
 *
 * <p>Hot swap: before each batch the stage reads the newest release from the global {@code models}
 * store and, if its version changed, switches sessions — between batches, never inside one. Until a
 * release exists, images wait in the buffer. Every result carries the version that produced it.
 *
 * <p>Re-labelling ({@code gainstream.relabel.enabled}): once a newer release is in use, images that
 * an older one labelled go through the model again, a {@link Relabeller}'s share of the time at
 * most. They only fill the slots new images leave in a batch, and when the buffer holds a partial
 * batch the stage sends it at once with them rather than letting it wait, so new images are not
 * delayed by the backlog. Their labels commit in the same transaction as the stores that record
 * them.
 */
public final class AttentionProcessor implements Processor<String, PendingImage, String, Object> {
  public static final String STAGE = "attention";
  private static final Logger LOG = LoggerFactory.getLogger(AttentionProcessor.class);

  private final String bufferStore;

  /** The re-labelling stores; null when re-labelling is off. */
  private final String indexStore;

  private final String versionsStore;
  private final DecodeLimits limits;
  private final double relabelShare;
  private Relabeller relabeller;
  private final String modelsStore;
  private final String modelName;
  private final List<String> classNames;
  private final int maxBatch;
  private final long maxWaitMs;

  /** Whether a mask model fuses the labels: the threshold stage then needs the input pixels. */
  private final boolean masked;

  private final String resultChild;
  private final String deadLetterChild;
  private final PipelineMetrics metrics;
  private final TransactionBudget budget;

  /** Sizes this release's batches (shared with the process's other tasks); null before one. */
  private BatchSizer sizer;

  private ProcessorContext<String, Object> context;

  /** This thread's commit count. */
  private ThreadCommits commits;

  private KeyValueStore<String, PendingImage> buffer;
  private KeyValueStore<String, ModelRelease> models;

  /** The release this task labels with, and its recipe. */
  private final ActiveRelease release;

  /** Whether the last batch's re-labelled images failed (they were not labelled). */
  private boolean relabelFailed;

  private long pending;
  private long oldestEnqueued = Long.MAX_VALUE;

  public AttentionProcessor(
      PipelineConfig config,
      String bufferStore,
      String indexStore,
      String versionsStore,
      String modelsStore,
      String resultChild,
      String deadLetterChild,
      ModelSessions sessions,
      PipelineMetrics metrics,
      TransactionBudget budget) {
    this.bufferStore = bufferStore;
    this.indexStore = indexStore;
    this.versionsStore = versionsStore;
    this.limits = config.decodeLimits();
    this.relabelShare = config.relabelMaxShare();
    this.modelsStore = modelsStore;
    this.modelName = config.modelName();
    this.classNames = config.classes().names();
    this.maxBatch = config.batchMaxSize();
    this.maxWaitMs = config.batchMaxWaitMs();
    this.masked = config.mask().isPresent();
    this.resultChild = resultChild;
    this.deadLetterChild = deadLetterChild;
    this.release =
        new ActiveRelease(
            modelName,
            classNames,
            sessions,
            config.inferenceOptions(),
            config.recipeSettings(),
            config.labelerSettings());
    this.metrics = metrics;
    this.budget = budget;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.commits = new ThreadCommits(context);
    this.buffer = context.getStateStore(bufferStore);
    this.models = context.getStateStore(modelsStore);
    if (versionsStore != null) {
      this.relabeller =
          new Relabeller(
              context.getStateStore(indexStore),
              context.getStateStore(versionsStore),
              limits,
              relabelShare,
              masked);
    }
    try (KeyValueIterator<String, PendingImage> it = buffer.all()) {
      while (it.hasNext()) {
        PendingImage p = it.next().value;
        pending++;
        oldestEnqueued = Math.min(oldestEnqueued, p.getEnqueuedMs());
      }
    }
    if (pending > 0) {
      LOG.info("task {} restored {} buffered images", context.taskId(), pending);
      ModelRelease r = models.get(modelName);
      budget.restored(
          context.taskId().toString(),
          id -> buffer.get(id) != null,
          r == null ? null : budget.sizer(sizerKey(r.getVersion())));
    }
    long interval = Math.max(1, maxWaitMs / 4);
    context.schedule(Duration.ofMillis(interval), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(Record<String, PendingImage> record) {
    if (buffer.get(record.key()) == null) {
      pending++;
    }
    buffer.put(record.key(), record.value());
    oldestEnqueued = Math.min(oldestEnqueued, record.value().getEnqueuedMs());
    if (pending >= limit()) {
      flush();
    }
  }

  private void punctuate(long now) {
    if ((pending > 0 && (now - oldestEnqueued >= maxWaitMs || pending >= limit()))
        || relabelDue()) {
      flush();
    }
  }

  /** The largest batch now: the release's sizer's, the configured maximum before a release. */
  private int limit() {
    return sizer == null ? maxBatch : sizer.limit();
  }

  /** Batches of one release (at this pipeline's scale setting) share their cost estimate. */
  private String sizerKey(long version) {
    return modelName + "@" + version;
  }

  /**
   * Whether a batch should go now for the sake of re-labelling: the budget allows it, the buffer
   * holds less than a batch, and some image is older than the session's release.
   */
  private boolean relabelDue() {
    return relabeller != null
        && pending < limit()
        && relabeller.allowed(context.currentSystemTimeMs())
        && ensureSession()
        && relabeller.hasWork(release.version());
  }

  /**
   * Drains the buffer batch by batch while the thread's transaction budget lasts, if a usable
   * release is there; asks for a commit once half the budget is used.
   */
  private void flush() {
    if (!ensureSession()) {
      return;
    }
    long started = System.nanoTime();
    boolean ran = false;
    while (true) {
      int take = budget.take(sizer, commits.now());
      if (take == 0) {
        break; // this transaction's budget is spent: the rest goes after the commit
      }
      List<KeyValue<String, PendingImage>> batch = new ArrayList<>(take);
      try (KeyValueIterator<String, PendingImage> it = buffer.all()) {
        while (it.hasNext() && batch.size() < take) {
          batch.add(it.next());
        }
      }
      int fresh = batch.size();
      long startMs = context.currentSystemTimeMs();
      if (fresh < take && relabeller != null && relabeller.allowed(startMs)) {
        batch.addAll(
            relabeller.take(
                take - fresh,
                release.version(),
                release.size(),
                startMs,
                id -> buffer.get(id) != null));
      }
      if (batch.isEmpty()) {
        pending = 0;
        break;
      }
      relabelFailed = false;
      metrics.batchStarted(batch.size());
      long inferenceNs = runBatch(batch, fresh);
      for (KeyValue<String, PendingImage> kv : batch.subList(0, fresh)) {
        buffer.delete(kv.key);
      }
      pending -= fresh;
      long now = System.nanoTime();
      int again = batch.size() - fresh;
      if (again > 0) {
        relabeller.spent(startMs, now - started, (now - started) * again / batch.size());
        if (!relabelFailed) {
          metrics.relabelled(again);
        }
      }
      metrics.batch(batch.size(), now - started, inferenceNs);
      ran = true;
      budget.ran(
          context.taskId().toString(),
          fresh > 0 ? batch.get(0).key : null,
          batch.size(),
          now - started,
          sizer);
      started = now;
      if (fresh < take) {
        break;
      }
    }
    if (ran && budget.pressed()) {
      context.commit(); // half the budget is gone: end this transaction now
    }
    pending = Math.max(0, pending);
    if (pending == 0) {
      oldestEnqueued = Long.MAX_VALUE;
    }
    if (relabeller != null) {
      metrics.relabelBacklog(context.taskId().toString(), relabeller.backlog());
    }
  }

  /**
   * Runs one batch and forwards its results (or its dead letters); returns the nanoseconds in the
   * model. The first {@code fresh} images are new; the rest are re-labelled, and a failed run
   * leaves them with the label they have (they are tried again after a restart or the next
   * promotion) instead of dead-lettering an image that is labelled.
   */
  private long runBatch(List<KeyValue<String, PendingImage>> batch, int fresh) {
    int n = batch.size();
    LabelPath path = release.path();
    int s = path.recipe().inputSize();
    int plane = s * s;
    float[] images = new float[n * 3 * plane];
    int[][] classes = new int[n][];
    for (int i = 0; i < n; i++) {
      PendingImage p = batch.get(i).value;
      LabelPath.intoBatch(
          p.getRgb().asReadOnlyByteBuffer(),
          p.getSize(),
          p.getWidth(),
          p.getHeight(),
          s,
          images,
          i * 3 * plane);
      int[] k = new int[p.getClassesCount()];
      for (int c = 0; c < k.length; c++) {
        k[c] = p.getClasses(c);
      }
      classes[i] = k;
    }
    BatchAttention.Result result;
    long t0 = System.nanoTime();
    try {
      result = release.run(images, n, classes);
    } catch (RuntimeException e) {
      if (fresh < n) {
        // a re-labelled image may be what failed: the new ones run again alone, and the others
        // keep their labels (tried again after a restart or the next promotion)
        LOG.error(
            "inference failed for a batch with {} re-labelled images; running the {} new ones alone",
            n - fresh,
            fresh,
            e);
        relabelFailed = true;
        return fresh == 0 ? System.nanoTime() - t0 : runBatch(batch.subList(0, fresh), fresh);
      }
      LOG.error("inference failed for a batch of {}; dead-lettering it", n, e);
      for (KeyValue<String, PendingImage> kv : batch.subList(0, fresh)) {
        deadLetter(kv.value, DeadLetters.INFERENCE_FAILED, e.getMessage());
      }
      return System.nanoTime() - t0;
    }
    long inferenceNs = System.nanoTime() - t0;
    for (int i = 0; i < n; i++) {
      PendingImage img = batch.get(i).value;
      Attended out =
          Attended.of(
              img, release.version(), path, result, i, classes[i], images, masked, i >= fresh);
      context.forward(
          new Record<>(img.getImageId(), (Object) out, img.getTimestampMs()), resultChild);
      if (relabeller != null) {
        relabeller.labelled(img.getImageId(), release.version());
      }
    }
    return inferenceNs;
  }

  /** Switches to the newest usable release (between batches); false while none is there. */
  private boolean ensureSession() {
    long before = release.version();
    boolean active = release.update(models.get(modelName), context.taskId().toString());
    if (release.version() != before) {
      sizer = budget.sizer(sizerKey(release.version()));
      metrics.modelVersion(release.version());
    }
    return active;
  }

  private void deadLetter(PendingImage img, String reason, String detail) {
    DeadLetter letter =
        DeadLetters.of(
            DeadLetters.utf8(img.getImageId()),
            img.toByteArray(),
            STAGE,
            reason,
            detail,
            img.getSourceTopic(),
            img.getSourcePartition(),
            img.getSourceOffset(),
            img.getTimestampMs());
    metrics.deadLetter(reason);
    context.forward(
        new Record<>(img.getImageId(), (Object) letter, img.getTimestampMs()), deadLetterChild);
  }

  @Override
  public void close() {
    if (relabeller != null) {
      // the task may move to another instance: its backlog is counted there
      metrics.relabelBacklog(context.taskId().toString(), 0);
    }
    release.close();
  }
}
