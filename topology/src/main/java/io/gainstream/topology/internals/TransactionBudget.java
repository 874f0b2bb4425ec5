package io.gainstream.topology.internals;

import io.gainstream.topology.LogMarkers;
import io.gainstream.topology.PipelineConfig;
import io.gainstream.topology.PipelineMetrics;
import io.gainstream.topology.errors.TransactionTooShortException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attention stage's share of each exactly-once transaction, for every task of one pipeline
 * process.
 *
 * <p>Why per thread and not per task: under {@code exactly_once_v2} a stream thread has one
 * producer and so one open transaction for all its tasks; two tasks that each run a batch in the
 * same punctuation round share it. The work a thread did since its last commit is counted here
 * ({@link #spent}); a task runs another batch only while what the sizer predicts for it fits in
 * what is left. A processor is not told when its task commits, so the window starts again when the
 * thread's own commit count (Kafka Streams' {@code commit-total} of the thread, read by the caller)
 * has moved, or when it is older than the transaction timeout: such a transaction is gone either
 * way (committed, or aborted by the broker), and waiting for a commit that will not come would stop
 * the stage for good.
 *
 * <p>It also notices what measurement alone cannot: a batch whose images are still in the restored
 * buffer after a restart did not commit. Twice in a row for the same batch, and the batches shrink
 * to a quarter with one WARN line; a single image that cannot fit stops the pipeline with a
 * one-line reason ({@link TransactionTooShortException}) rather than retrying forever.
 */
public final class TransactionBudget {
  private static final Logger LOG = LoggerFactory.getLogger(TransactionBudget.class);

  private final int maxBatch;
  private final int startBatch;
  private final long budgetNs;
  private final long transactionTimeoutMs;
  private final PipelineMetrics metrics;
  private final Map<String, BatchSizer> sizers = new ConcurrentHashMap<>();
  private final Map<String, Attempt> attempts = new ConcurrentHashMap<>();
  private final ThreadLocal<Window> windows = ThreadLocal.withInitial(Window::new);

  /** One thread's work since its last commit: nanoseconds, when it began, the commits then. */
  private static final class Window {
    long spentNs;
    long startNs;
    double commits = Double.NaN;
  }

  /** The last batch a task ran: its first new image, size, time and failed commits in a row. */
  private record Attempt(String firstId, int images, long nanos, int failures) {}

  public TransactionBudget(PipelineConfig config, PipelineMetrics metrics) {
    this(
        config.batchMaxSize(),
        config.batchStartSize(),
        config.batchBudgetMs(),
        config.transactionTimeoutMs(),
        metrics);
  }

  public TransactionBudget(
      int maxBatch,
      int startBatch,
      long budgetMs,
      long transactionTimeoutMs,
      PipelineMetrics metrics) {
    this.maxBatch = maxBatch;
    this.startBatch = startBatch;
    this.budgetNs = budgetMs * 1_000_000L;
    this.transactionTimeoutMs = transactionTimeoutMs;
    this.metrics = metrics;
  }

  /** The sizer of one release at one set of scales (created at the start size). */
  public BatchSizer sizer(String key) {
    return sizers.computeIfAbsent(key, k -> new BatchSizer(maxBatch, startBatch, budgetNs));
  }

  /**
   * Images the calling thread may run next with {@code sizer}; 0: commit first. {@code commits}:
   * how many times this thread has committed so far (NaN when unknown).
   */
  public int take(BatchSizer sizer, double commits) {
    Window w = windows.get();
    boolean committed = !Double.isNaN(commits) && commits != w.commits;
    boolean stale =
        w.spentNs > 0 && System.nanoTime() - w.startNs > transactionTimeoutMs * 1_000_000L;
    if (committed || stale) {
      w.spentNs = 0;
      w.commits = commits;
    }
    return sizer.take(budgetNs - w.spentNs, w.spentNs == 0);
  }

  /**
   * Whether the calling thread has used half its budget since its last commit: then it should
   * commit now rather than at the next commit interval (a light model's batches fit many times
   * over, and committing after each would cost more than the batches).
   */
  public boolean pressed() {
    return windows.get().spentNs * 2 > budgetNs;
  }

  /** Stage time the calling thread spent in its current transaction. */
  void spent(long ns) {
    Window w = windows.get();
    if (w.spentNs == 0) {
      w.startNs = System.nanoTime() - ns;
    }
    w.spentNs += ns;
  }

  /**
   * A task ran a batch of {@code images} new and re-labelled images, the first new one {@code
   * firstId} (null: none new), in {@code ns}: update the sizer, and act at once when the batch
   * outlasted the transaction itself (its labels will be aborted). Returns whether that was news: a
   * WARN line was written.
   */
  public boolean ran(String task, String firstId, int images, long ns, BatchSizer sizer) {
    // as one step: two threads whose batches overran together must not both read the limit before
    // either shrank it, or one incident gets two WARN lines
    BatchSizer.Change change = sizer.recordChange(images, ns);
    int before = change.before();
    int now = change.now();
    spent(ns);
    metrics.batchTimed(images, ns, now);
    if (now != before) {
      // the log file's record of how the stage sized its batches (the console stays calm)
      LOG.info(
          LogMarkers.FILE_ONLY,
          "batches of {} are now at most {} images: {} took {} s",
          sizerName(sizer),
          now,
          images,
          seconds(ns));
    }
    if (firstId != null) {
      attempts.merge(
          task,
          new Attempt(firstId, images, ns, 0),
          (old, next) -> old.firstId().equals(firstId) ? withTime(old, images, ns) : next);
    }
    if (ns / 1_000_000L > transactionTimeoutMs) {
      if (images == 1) {
        throw tooShort(ns);
      }
      // a batch sized before another task's slow batch shrank the limit is the same incident: one
      // WARN for it, the rest in the log file
      boolean news = images <= before;
      String line =
          "a batch of {} images took {} s, over the {} s transaction timeout: its labels are aborted and done again; batches are now {}";
      Object[] args = {images, seconds(ns), seconds(transactionTimeoutMs * 1_000_000L), now};
      if (news) {
        LOG.warn(line, args);
      } else {
        LOG.info(line, args);
      }
      return news;
    }
    return false;
  }

  private String sizerName(BatchSizer sizer) {
    return sizers.entrySet().stream()
        .filter(e -> e.getValue() == sizer)
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse("this release");
  }

  private static Attempt withTime(Attempt old, int images, long ns) {
    return new Attempt(old.firstId(), images, ns, old.failures());
  }

  /**
   * A task was (re)initialised with images in its buffer: if the last batch it ran is among them,
   * that batch never committed. The second time in a row the batches shrink, with one WARN line;
   * for a batch of one image the pipeline stops.
   */
  public void restored(String task, Predicate<String> buffered, BatchSizer sizer) {
    Attempt a = attempts.get(task);
    if (a == null) {
      return;
    }
    if (!buffered.test(a.firstId()) || a.nanos() <= budgetNs) {
      // committed; or fast enough that the restart had another cause (a broker bounce, a
      // rebalance): only a batch that used up its budget can have outlasted its transaction
      attempts.remove(task);
      return;
    }
    metrics.restartedUncommitted();
    Attempt failed = new Attempt(a.firstId(), a.images(), a.nanos(), a.failures() + 1);
    attempts.put(task, failed);
    if (failed.failures() < 2) {
      return;
    }
    if (failed.images() <= 1) {
      throw new TransactionTooShortException(
          "labelling one image restarted twice without a commit (it took "
              + seconds(failed.nanos())
              + " s against a "
              + seconds(transactionTimeoutMs * 1_000_000L)
              + " s transaction timeout): raise "
              + PipelineConfig.TRANSACTION_TIMEOUT_MS_CONFIG
              + " or label with a lighter release");
    }
    int now = sizer == null ? Math.max(1, failed.images() / 4) : sizer.shrinkBelow(failed.images());
    LOG.warn(
        "labelling restarted twice on the same batch: {} images took {} s, {} the {} s transaction timeout; batches are now {}",
        failed.images(),
        seconds(failed.nanos()),
        failed.nanos() / 1_000_000L > transactionTimeoutMs ? "over" : "with the rest of it over",
        seconds(transactionTimeoutMs * 1_000_000L),
        now);
    attempts.put(task, new Attempt(a.firstId(), failed.images(), failed.nanos(), 0));
  }

  private TransactionTooShortException tooShort(long ns) {
    return new TransactionTooShortException(
        "one image took "
            + seconds(ns)
            + " s to label, over the "
            + seconds(transactionTimeoutMs * 1_000_000L)
            + " s transaction timeout: raise "
            + PipelineConfig.TRANSACTION_TIMEOUT_MS_CONFIG
            + " (and "
            + PipelineConfig.MAX_POLL_INTERVAL_MS_CONFIG
            + ") or label with a lighter release");
  }

  private static String seconds(long ns) {
    double s = ns / 1e9;
    return s >= 10 ? String.format("%.0f", s) : String.format("%.1f", s);
  }
}
