package io.gainstream.topology.internals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gainstream.topology.PipelineMetrics;
import io.gainstream.topology.errors.TransactionTooShortException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One stream thread's budget between commits, and the restarts that lost a batch. */
class TransactionBudgetTest {
  private static final long MS = 1_000_000L;
  private final PipelineMetrics metrics = new PipelineMetrics();

  /** 8 images at most, starting at 8, 1 s of work per transaction, a 4 s transaction timeout. */
  private final TransactionBudget budget = new TransactionBudget(8, 8, 1000, 4000, metrics);

  @Test
  void shouldShareOneBudgetAcrossTheTasksOfAThreadUntilItCommits() {
    BatchSizer sizer = budget.sizer("gain@1");
    assertThat(budget.take(sizer, 0)).isEqualTo(8);
    assertThat(budget.pressed()).isFalse();
    budget.ran("0_0", "a", 8, 800 * MS, sizer); // 100 ms an image
    assertThat(budget.pressed()).as("800 of 1000 ms used: commit now").isTrue();
    assertThat(budget.take(sizer, 0)).as("another task, same transaction").isEqualTo(2);
    budget.ran("0_1", "x", 2, 200 * MS, sizer);
    assertThat(budget.take(sizer, 0)).as("spent: commit first").isZero();
    assertThat(budget.take(sizer, 1)).as("the thread committed").isEqualTo(8);
  }

  @Test
  void shouldKeepEachThreadsBudgetApart() throws Exception {
    BatchSizer sizer = budget.sizer("gain@1");
    int[] other = new int[1];
    budget.take(sizer, 0);
    budget.ran("0_0", "a", 8, 1000 * MS, sizer);
    Thread t = new Thread(() -> other[0] = budget.take(sizer, 0));
    t.start();
    t.join();
    assertThat(other[0]).isPositive();
    assertThat(budget.take(sizer, 0)).isZero();
  }

  @Test
  void shouldStartAgainWhenTheWindowIsOlderThanTheTransactionTimeout() throws Exception {
    TransactionBudget quick = new TransactionBudget(8, 8, 100, 300, metrics);
    BatchSizer sizer = quick.sizer("gain@1");
    quick.take(sizer, Double.NaN);
    quick.ran("0_0", "a", 8, 100 * MS, sizer);
    assertThat(quick.take(sizer, Double.NaN)).as("no commit seen, budget spent").isZero();
    Thread.sleep(350);
    assertThat(quick.take(sizer, Double.NaN))
        .as("that transaction is gone by now, committed or aborted")
        .isPositive();
  }

  @Test
  void shouldNotShrinkAfterOneRestartButQuarterTheBatchAfterTheSecond() {
    BatchSizer sizer = budget.sizer("gain@1");
    budget.ran("0_0", "a", 8, 1200 * MS, sizer);
    int before = sizer.limit();
    budget.restored("0_0", Set.of("a", "b")::contains, sizer);
    assertThat(sizer.limit()).isEqualTo(before);
    budget.ran("0_0", "a", 8, 1200 * MS, sizer);
    budget.restored("0_0", Set.of("a", "b")::contains, sizer);
    assertThat(sizer.limit()).isEqualTo(2);
    assertThat(metrics.restartsUncommitted()).isEqualTo(2);
  }

  @Test
  void shouldForgetABatchThatCommitted() {
    BatchSizer sizer = budget.sizer("gain@1");
    budget.ran("0_0", "a", 8, 1200 * MS, sizer);
    budget.restored("0_0", Set.of("a")::contains, sizer);
    budget.restored("0_0", Set.of("c")::contains, sizer); // "a" committed after all
    budget.ran("0_0", "c", 8, 1200 * MS, sizer);
    budget.restored("0_0", Set.of("c")::contains, sizer);
    assertThat(sizer.limit()).as("one failure since the last commit: not quartered").isEqualTo(4);
  }

  @Test
  void shouldStopWhenOneImageOutlastsTheTransaction() {
    BatchSizer sizer = budget.sizer("gain@1");
    assertThatThrownBy(() -> budget.ran("0_0", "a", 1, 5000 * MS, sizer))
        .isInstanceOf(TransactionTooShortException.class)
        .hasMessageContaining("one image took 5.0 s")
        .hasMessageContaining("gainstream.transaction.timeout.ms");
  }

  @Test
  void shouldStopWhenOneImageLosesItsCommitTwice() {
    BatchSizer sizer = budget.sizer("gain@1");
    budget.ran("0_0", "a", 1, 3000 * MS, sizer);
    budget.restored("0_0", Set.of("a")::contains, sizer);
    budget.ran("0_0", "a", 1, 3000 * MS, sizer);
    assertThatThrownBy(() -> budget.restored("0_0", Set.of("a")::contains, sizer))
        .isInstanceOf(TransactionTooShortException.class);
  }

  @Test
  void shouldNotBlameAFastBatchForRestartsWithAnotherCause() {
    BatchSizer sizer = budget.sizer("gain@1");
    for (int i = 0; i < 3; i++) {
      budget.ran("0_0", "a", 1, 50 * MS, sizer); // a broker bounce, not the timeout
      budget.restored("0_0", Set.of("a")::contains, sizer);
    }
    assertThat(metrics.restartsUncommitted()).isZero();
    assertThat(sizer.limit()).isPositive();
  }

  @Test
  void shouldShrinkAtOnceWhenABatchOutlastsTheTransaction() {
    BatchSizer sizer = budget.sizer("gain@1");
    budget.ran("0_0", "a", 8, 6000 * MS, sizer);
    assertThat(sizer.limit()).isEqualTo(1);
  }

  /**
   * Two tasks whose batches of 4 overran one after the other are one incident: the first says so
   * (WARN), the second was sized before the limit shrank and goes to the log file.
   */
  @Test
  void shouldWarnOnceWhenTwoTasksBatchesOverrunTogether() {
    BatchSizer sizer = budget.sizer("gain@1");
    assertThat(budget.ran("0_0", "a", 4, 6000 * MS, sizer)).as("the first: news").isTrue();
    assertThat(sizer.limit()).isEqualTo(1);
    assertThat(budget.ran("0_1", "x", 4, 6000 * MS, sizer)).as("the same incident").isFalse();
    assertThat(budget.ran("0_0", "b", 3, 900 * MS, sizer)).as("within the timeout").isFalse();
  }
}
