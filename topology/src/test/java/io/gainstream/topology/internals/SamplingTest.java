package io.gainstream.topology.internals;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SamplingTest {
  private static double share(String prefix, int n, double rate) {
    int hit = 0;
    for (int i = 0; i < n; i++) {
      if (ValidateProcessor.sampled(prefix + i, rate)) {
        hit++;
      }
    }
    return hit / (double) n;
  }

  @Test
  void shouldSampleTheConfiguredShareOfSequentialIds() {
    for (String prefix : new String[] {"img-", "before-", "2026-11-22/cam0/frame_", ""}) {
      for (double rate : new double[] {0.01, 0.1, 0.5}) {
        assertThat(share(prefix, 20_000, rate))
            .as("%s at %s", prefix, rate)
            .isCloseTo(rate, org.assertj.core.data.Offset.offset(0.25 * rate + 0.003));
      }
    }
  }

  @Test
  void shouldSampleTheSameIdTheSameWayEveryTime() {
    for (int i = 0; i < 1000; i++) {
      assertThat(ValidateProcessor.sampled("id-" + i, 0.3))
          .isEqualTo(ValidateProcessor.sampled("id-" + i, 0.3));
    }
    assertThat(ValidateProcessor.sampled("x", 1.0)).isTrue();
    assertThat(ValidateProcessor.sampled("x", 0.0)).isFalse();
  }
}
