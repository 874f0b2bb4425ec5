package io.gainstream.topology.internals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The batch-size controller: grows under its budget, shrinks after a slow batch, stays in 1..max.
 */
class BatchSizerTest {
  private static final long MS = 1_000_000L;

  @Test
  void shouldStartSmallAndDoubleWhileBatchesStayUnderBudget() {
    BatchSizer s = new BatchSizer(32, 1, 1000 * MS);
    assertThat(s.limit()).isEqualTo(1);
    assertThat(s.record(1, 10 * MS)).isEqualTo(2);
    assertThat(s.record(2, 20 * MS)).isEqualTo(4);
    assertThat(s.record(4, 40 * MS)).isEqualTo(8);
    assertThat(s.record(8, 80 * MS)).isEqualTo(16);
  }

  @Test
  void shouldNeverExceedTheConfiguredMaximum() {
    BatchSizer s = new BatchSizer(6, 1, 1000 * MS);
    int limit = 1;
    for (int i = 0; i < 10; i++) {
      limit = s.record(limit, MS);
      assertThat(limit).isBetween(1, 6);
    }
    assertThat(limit).isEqualTo(6);
    assertThat(new BatchSizer(6, 50, 1000 * MS).limit()).isEqualTo(6);
  }

  @Test
  void shouldGrowOnlyAsFarAsTheMeasuredCostFitsTheBudget() {
    BatchSizer s = new BatchSizer(32, 4, 1000 * MS);
    // 150 ms per image: 6 fit in a second, not 8
    assertThat(s.record(4, 600 * MS)).isEqualTo(6);
    assertThat(s.record(6, 900 * MS)).isEqualTo(6);
  }

  @Test
  void shouldShrinkAtOnceAfterASlowBatch() {
    BatchSizer s = new BatchSizer(32, 32, 10_000 * MS);
    // 32 photos in 41 s against a 10 s budget: 1.28 s each, 7 fit
    assertThat(s.record(32, 41_000 * MS)).isEqualTo(7);
    // a partial batch under budget but slower per image (2 s) shrinks it too: 5 fit
    assertThat(s.record(3, 6_000 * MS)).isEqualTo(5);
  }

  @Test
  void shouldReachOneAndStayThereWhenOneImageFillsTheBudget() {
    BatchSizer s = new BatchSizer(32, 8, 100 * MS);
    assertThat(s.record(8, 2_000 * MS)).isEqualTo(1);
    assertThat(s.record(1, 250 * MS)).isEqualTo(1);
    assertThat(s.take(0, true)).as("a fresh transaction always takes one").isEqualTo(1);
    assertThat(s.take(50 * MS, false)).as("not after work that used the budget").isZero();
  }

  @Test
  void shouldTakeOnlyWhatFitsInTheRestOfTheTransaction() {
    BatchSizer s = new BatchSizer(32, 16, 1000 * MS);
    s.record(16, 160 * MS); // 10 ms each
    assertThat(s.limit()).isEqualTo(32);
    assertThat(s.take(1000 * MS, true)).isEqualTo(32);
    assertThat(s.take(95 * MS, false)).isEqualTo(9);
  }

  @Test
  void shouldLetACostRiseAtOnceAndFallOnlyHalfway() {
    BatchSizer s = new BatchSizer(100, 10, 1000 * MS);
    s.record(10, 1000 * MS); // 100 ms each
    s.record(10, 100 * MS); // one fast batch: 10 ms, the estimate falls to 55 ms
    assertThat(s.perImageNs()).isEqualTo(55 * MS, org.assertj.core.data.Offset.offset(1.0));
    s.record(10, 2000 * MS); // a slow one counts in full
    assertThat(s.perImageNs()).isEqualTo(200 * MS, org.assertj.core.data.Offset.offset(1.0));
  }

  @Test
  void shouldQuarterTheBatchAfterALostCommit() {
    BatchSizer s = new BatchSizer(32, 32, 10_000 * MS);
    assertThat(s.shrinkBelow(32)).isEqualTo(8);
    assertThat(s.shrinkBelow(2)).isEqualTo(1);
  }

  @Test
  void shouldRefuseNonPositiveSizes() {
    assertThatThrownBy(() -> new BatchSizer(0, 1, MS)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BatchSizer(4, 0, MS)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldTellTheLimitBeforeAndAfterARecordedBatch() {
    BatchSizer s = new BatchSizer(32, 8, 1000 * MS);
    assertThat(s.recordChange(8, 2_000 * MS)).isEqualTo(new BatchSizer.Change(8, 4));
    assertThat(s.recordChange(1, 100 * MS).before()).isEqualTo(4);
  }
}
