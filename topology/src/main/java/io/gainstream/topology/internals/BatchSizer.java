package io.gainstream.topology.internals;

/**
 * How many images go into the next model run of one release (at one set of test-time scales), from
 * what runs of it have cost on this machine.
 *
 * <p>Why: under exactly-once a stream thread's transaction stays open from its first write after a
 * commit until the next commit, and the broker aborts it after {@code transaction.timeout.ms}. A
 * batch sized by count alone (32 photos through a backbone at two scales with flips and a CRF took
 * 41 s on two cores) outlasts the transaction every time and the task never commits. The sizer
 * keeps each batch's predicted time within a budget: it starts small, doubles while batches stay
 * under the budget, and shrinks at once after a slow one. The per-image estimate rises with every
 * slower observation and falls only halfway towards a faster one, so one lucky batch does not grow
 * the next past the budget.
 *
 * <p>Thread-safe: the tasks of a process share one sizer per release, so what one task measures
 * sizes the others' batches too.
 */
public final class BatchSizer {
  private final int max;
  private final long budgetNs;
  private int limit;

  /** Estimated nanoseconds per image; NaN until a batch was measured. */
  private double perImageNs = Double.NaN;

  /**
   * @param max the configured largest batch ({@code gainstream.batch.max.size})
   * @param start the first batch's size, before anything was measured
   * @param budgetNs longest time one batch (model, thresholds, refinement) should take
   */
  public BatchSizer(int max, int start, long budgetNs) {
    if (max < 1 || start < 1 || budgetNs < 1) {
      throw new IllegalArgumentException(
          "batch sizes and budget must be positive: max " + max + ", start " + start);
    }
    this.max = max;
    this.budgetNs = budgetNs;
    this.limit = Math.min(start, max);
  }

  /** The current largest batch. */
  public synchronized int limit() {
    return limit;
  }

  /** Estimated nanoseconds per image (NaN before the first batch). */
  public synchronized double perImageNs() {
    return perImageNs;
  }

  /**
   * Images for the next batch when {@code leftNs} of the transaction's budget are left: the current
   * limit, fewer when the estimate says they would not fit. With {@code first} (nothing run yet in
   * this transaction) at least one; otherwise possibly 0, meaning: commit first.
   */
  public synchronized int take(long leftNs, boolean first) {
    int n = limit;
    if (!Double.isNaN(perImageNs) && perImageNs > 0) {
      n = (int) Math.min(n, Math.floor(Math.max(0, leftNs) / perImageNs));
    }
    return first ? Math.max(1, n) : Math.max(0, n);
  }

  /** The limit before and after a batch was recorded. */
  public record Change(int before, int now) {}

  /**
   * {@link #record} and the limit before it, as one step: two threads that record together each see
   * the limit the other left, never both the one before either.
   */
  public synchronized Change recordChange(int n, long ns) {
    int before = limit;
    return new Change(before, record(n, ns));
  }

  /**
   * A batch of {@code n} images took {@code ns}: update the estimate and the limit. Returns the new
   * limit.
   */
  public synchronized int record(int n, long ns) {
    if (n < 1) {
      return limit;
    }
    double observed = (double) ns / n;
    perImageNs =
        Double.isNaN(perImageNs) ? observed : Math.max(observed, (perImageNs + observed) / 2);
    int fit = (int) Math.max(1, Math.min(max, Math.floor(budgetNs / Math.max(1.0, perImageNs))));
    if (ns > budgetNs) {
      limit = Math.max(1, Math.min(n / 2, fit));
    } else if (n >= limit) {
      limit = Math.max(1, Math.min(Math.min(2 * limit, max), fit));
    } else {
      limit = Math.max(1, Math.min(limit, fit));
    }
    return limit;
  }

  /**
   * After a batch of {@code n} was lost to an aborted transaction whatever its measured time said:
   * at most a quarter of it from now on. Returns the new limit.
   */
  public synchronized int shrinkBelow(int n) {
    limit = Math.max(1, Math.min(limit, n / 4));
    return limit;
  }
}
