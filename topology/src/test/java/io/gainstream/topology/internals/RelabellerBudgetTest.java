package io.gainstream.topology.internals;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The re-labelling budget: its share of the stage's time, whatever a batch costs. */
class RelabellerBudgetTest {
  private static final long MS = 1_000_000L;

  @Test
  void shouldAllowTheFirstBatchAtOnce() {
    assertThat(new Relabeller(null, null, null, 0.5, false).allowed(0)).isTrue();
  }

  @Test
  void shouldWaitSoThatRelabellingKeepsItsShare() {
    Relabeller half = new Relabeller(null, null, null, 0.5, false);
    // a 40 ms batch, all of it re-labelled, that started at t = 1000 ms: it ends at 1040, and at a
    // half share the next may start once as much time again has passed
    half.spent(1000, 40 * MS, 40 * MS);
    assertThat(half.allowed(1079)).isFalse();
    assertThat(half.allowed(1080)).isTrue();

    Relabeller onePercent = new Relabeller(null, null, null, 0.01, false);
    // the same batch, a quarter of it re-labelled (10 ms): 10 ms is 1 % of 1000 ms
    onePercent.spent(1000, 40 * MS, 10 * MS);
    assertThat(onePercent.allowed(2029)).isFalse();
    assertThat(onePercent.allowed(2030)).isTrue();
  }

  @Test
  void shouldNeverWaitAtAWholeShare() {
    Relabeller all = new Relabeller(null, null, null, 1.0, false);
    all.spent(1000, 40 * MS, 40 * MS);
    assertThat(all.allowed(1040)).isTrue();
  }
}
