package io.gainstream.topology;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one pipeline process, shared by all its stream threads: what went in, what came out,
 * what was dead-lettered and why, how batches were sized and where the time went. The throughput
 * benchmark reads the stage's busy time from here, and the metrics endpoint exports it; both need
 * numbers the processors see directly rather than Kafka's per-node sensors.
 */
public final class PipelineMetrics {
  private final LongAdder imagesIn = new LongAdder();
  private final LongAdder attended = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder stageNanos = new LongAdder();
  private final LongAdder inferenceNanos = new LongAdder();
  private final LongAdder labelled = new LongAdder();
  private final LongAdder thresholdNanos = new LongAdder();
  private final Map<Integer, LongAdder> batchSizes = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> deadLetters = new ConcurrentHashMap<>();
  private final AtomicLong modelVersion = new AtomicLong(-1);
  private final LongAdder relabelled = new LongAdder();

  private final LongAdder restartsUncommitted = new LongAdder();

  /** The newest batch that started: size and System.nanoTime() at its start; 0 while none runs. */
  private final AtomicLong runningSince = new AtomicLong();

  private final AtomicLong runningImages = new AtomicLong();

  /** The newest batch that finished: size, nanoseconds, the batch limit after it, when. */
  private volatile long[] lastBatch;

  /** Images each task still has to re-label with its newest release, by task id. */
  private final Map<String, Long> relabelBacklog = new ConcurrentHashMap<>();

  /**
   * Where single timings go beyond the counters: the services bind them to latency histograms of
   * their metrics registry; the topology knows nothing of that registry.
   */
  public interface Timings {
    /** A new image's label was written {@code millis} after the image was published. */
    void labelLatency(long millis);

    /** A micro-batch of {@code images} took {@code nanos} in the model. */
    void batchInference(int images, long nanos);

    Timings NONE =
        new Timings() {
          @Override
          public void labelLatency(long millis) {}

          @Override
          public void batchInference(int images, long nanos) {}
        };
  }

  private volatile Timings timings = Timings.NONE;

  /** Sends single timings to {@code t} from now on. */
  public void timings(Timings t) {
    timings = t;
  }

  /** A consistent-enough copy for reports (counters are read one after another). */
  public record Snapshot(
      long imagesIn,
      long attended,
      long batches,
      long stageNanos,
      long inferenceNanos,
      long labelled,
      long thresholdNanos,
      long modelVersion,
      Map<Integer, Long> batchSizes,
      Map<String, Long> deadLetters) {
    public long deadLettersTotal() {
      return deadLetters.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  public void imageIn() {
    imagesIn.increment();
  }

  /** One batch through the attention stage: its size, wall time in the stage and in the model. */
  public void batch(int size, long stageNs, long inferenceNs) {
    attended.add(size);
    batches.increment();
    stageNanos.add(stageNs);
    inferenceNanos.add(inferenceNs);
    batchSizes.computeIfAbsent(size, k -> new LongAdder()).increment();
    timings.batchInference(size, inferenceNs);
  }

  /** A batch of {@code images} starts through the model. */
  public void batchStarted(int images) {
    runningImages.set(images);
    runningSince.set(System.nanoTime());
  }

  /** A batch finished in {@code nanos}; the sizer's limit is now {@code limit}. */
  public void batchTimed(int images, long nanos, int limit) {
    runningSince.set(0);
    lastBatch = new long[] {images, nanos, limit, System.nanoTime()};
  }

  /** A task came back with its last batch still in its buffer: that batch never committed. */
  public void restartedUncommitted() {
    restartsUncommitted.increment();
  }

  public long restartsUncommitted() {
    return restartsUncommitted.sum();
  }

  /**
   * One line on what the attention stage is doing, for a run whose labels stopped coming: the batch
   * in the model and for how long, otherwise the last batch's size and time, and restarts.
   */
  public String activity() {
    StringBuilder b = new StringBuilder();
    long since = runningSince.get();
    long[] last = lastBatch;
    if (since != 0) {
      b.append(
          String.format(
              "a batch of %d images has been in the model for %.0f s",
              runningImages.get(), (System.nanoTime() - since) / 1e9));
    } else if (last == null) {
      b.append(
          modelVersion.get() < 0
              ? "no model release yet: images wait in the buffer"
              : "no batch has run yet");
    } else {
      b.append(
          String.format(
              "the last batch (%d images, %.1f s) ended %.0f s ago; batches are now at most %d",
              last[0], last[1] / 1e9, (System.nanoTime() - last[3]) / 1e9, last[2]));
    }
    long restarts = restartsUncommitted.sum();
    if (restarts > 0) {
      b.append(String.format("; %d restarts lost a batch before its commit", restarts));
    }
    return b.toString();
  }

  public void labelled(long nanos) {
    labelled.increment();
    thresholdNanos.add(nanos);
  }

  /**
   * A label written {@code nanos} after the threshold stage got its attention maps; for an image
   * labelled for the first time (not re-labelled), {@code latencyMillis} after it was published.
   */
  public void labelled(long nanos, boolean relabelled, long latencyMillis) {
    labelled(nanos);
    if (!relabelled) {
      timings.labelLatency(latencyMillis);
    }
  }

  public void deadLetter(String reason) {
    deadLetters.computeIfAbsent(reason, k -> new LongAdder()).increment();
  }

  public void modelVersion(long version) {
    modelVersion.accumulateAndGet(version, Math::max);
  }

  /** Images sent through the model again because a newer release was promoted. */
  public void relabelled(int images) {
    relabelled.add(images);
  }

  /** What one task has left to re-label (its stale images, as it last counted them). */
  public void relabelBacklog(String task, long images) {
    relabelBacklog.put(task, images);
  }

  public long relabelledTotal() {
    return relabelled.sum();
  }

  /** Stale images over every task of this process. */
  public long relabelBacklog() {
    return relabelBacklog.values().stream().mapToLong(Long::longValue).sum();
  }

  public Snapshot snapshot() {
    Map<Integer, Long> sizes = new TreeMap<>();
    batchSizes.forEach((k, v) -> sizes.put(k, v.sum()));
    Map<String, Long> dead = new TreeMap<>();
    deadLetters.forEach((k, v) -> dead.put(k, v.sum()));
    return new Snapshot(
        imagesIn.sum(),
        attended.sum(),
        batches.sum(),
        stageNanos.sum(),
        inferenceNanos.sum(),
        labelled.sum(),
        thresholdNanos.sum(),
        modelVersion.get(),
        sizes,
        dead);
  }
}
