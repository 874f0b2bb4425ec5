package io.gainstream.topology;

import static io.gainstream.topology.PipelineConfig.*;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The keys of {@link PipelineConfig} that bound the attention stage's work inside a transaction:
 * batch sizes and waits, the commit interval, the stream threads' transaction timeout and poll
 * interval, and the work budget between two commits, with the check that refuses combinations under
 * which transactions would time out. The key names stay on {@code PipelineConfig}.
 */
final class BatchKeys {
  private static final String BATCH_MAX_SIZE_DOC =
      "Most images per ONNX Runtime run; fewer when the release's measured cost would not fit gainstream.batch.budget.ms.";
  private static final String BATCH_MAX_WAIT_MS_DOC =
      "Longest time an image waits in the buffer for its batch to fill (wall clock), once a model is there.";
  private static final String COMMIT_INTERVAL_MS_DOC =
      "Kafka Streams commit interval. Under exactly-once a label is readable (read_committed) only once its transaction commits, so half of this adds to the mean latency; shorter means more transactions.";
  private static final String TRANSACTION_TIMEOUT_MS_DOC =
      "The stream threads' transaction.timeout.ms (exactly-once): the broker aborts a transaction open longer, and the thread "
          + "starts over from its last commit. Kafka Streams' own default, 10 s, is shorter than one batch of photos through a "
          + "backbone on two cores; at most the broker's transaction.max.timeout.ms (15 min by default). A longer timeout also "
          + "means a crashed instance's open transaction can hold read_committed readers back that long.";
  private static final String MAX_POLL_INTERVAL_MS_DOC =
      "The stream threads' max.poll.interval.ms: a thread that does not poll for this long leaves the group and its tasks move.";
  private static final String BATCH_BUDGET_MS_DOC =
      "Longest attention-stage work (model, thresholds, refinement) a stream thread does between two commits; batches are "
          + "sized from each release's measured cost per image to fit it. 0: a quarter of the smaller of the transaction "
          + "timeout and the poll interval. With the commit interval it must fit in half the transaction timeout, and in half "
          + "the poll interval; other combinations are refused at start.";
  private static final String BATCH_START_SIZE_DOC =
      "Images in the first batch of a release, before its cost is known; batches then double while they stay within the "
          + "budget, up to gainstream.batch.max.size, and shrink at once after a slow one.";

  private BatchKeys() {}

  static ConfigDef define(ConfigDef d) {
    return d.define(
            BATCH_MAX_SIZE_CONFIG,
            Type.INT,
            32,
            Range.between(1, 4096),
            Importance.MEDIUM,
            BATCH_MAX_SIZE_DOC)
        .define(
            BATCH_MAX_WAIT_MS_CONFIG,
            Type.LONG,
            200L,
            Range.between(1, 3_600_000),
            Importance.MEDIUM,
            BATCH_MAX_WAIT_MS_DOC)
        .define(
            COMMIT_INTERVAL_MS_CONFIG,
            Type.LONG,
            200L,
            Range.between(10, 600_000),
            Importance.MEDIUM,
            COMMIT_INTERVAL_MS_DOC)
        .define(
            TRANSACTION_TIMEOUT_MS_CONFIG,
            Type.LONG,
            60_000L,
            Range.between(1_000, 900_000),
            Importance.MEDIUM,
            TRANSACTION_TIMEOUT_MS_DOC)
        .define(
            MAX_POLL_INTERVAL_MS_CONFIG,
            Type.LONG,
            300_000L,
            Range.between(1_000, Integer.MAX_VALUE),
            Importance.LOW,
            MAX_POLL_INTERVAL_MS_DOC)
        .define(
            BATCH_BUDGET_MS_CONFIG,
            Type.LONG,
            0L,
            Range.atLeast(0),
            Importance.MEDIUM,
            BATCH_BUDGET_MS_DOC)
        .define(
            BATCH_START_SIZE_CONFIG,
            Type.INT,
            1,
            Range.between(1, 4096),
            Importance.LOW,
            BATCH_START_SIZE_DOC);
  }

  /**
   * Refuses timeouts that cannot work together: a thread's transaction lasts about a commit
   * interval plus the attention work of one budget, which must stay well inside the transaction
   * timeout, and the budget well inside the poll interval.
   */
  static void check(PipelineConfig c) {
    long tx = c.transactionTimeoutMs();
    long budget = c.batchBudgetMs();
    long commit = c.commitIntervalMs();
    if (budget < 1) {
      throw new ConfigException(
          BATCH_BUDGET_MS_CONFIG + " comes out below 1 ms: raise " + TRANSACTION_TIMEOUT_MS_CONFIG);
    }
    if (budget + commit > tx / 2) {
      throw new ConfigException(
          String.format(
              "%s (%d ms) plus %s (%d ms) must be at most half of %s (%d ms), or transactions time out",
              BATCH_BUDGET_MS_CONFIG,
              budget,
              COMMIT_INTERVAL_MS_CONFIG,
              commit,
              TRANSACTION_TIMEOUT_MS_CONFIG,
              tx));
    }
    if (budget > c.maxPollIntervalMs() / 2) {
      throw new ConfigException(
          String.format(
              "%s (%d ms) must be at most half of %s (%d ms), or threads drop out of the group",
              BATCH_BUDGET_MS_CONFIG, budget, MAX_POLL_INTERVAL_MS_CONFIG, c.maxPollIntervalMs()));
    }
  }
}
