package io.gainstream.bench;

import java.util.Arrays;

/** Latency samples in nanoseconds, for percentiles. */
final class Latency {
  private long[] values = new long[1024];
  private int n;

  void add(long nanos) {
    if (n == values.length) {
      values = Arrays.copyOf(values, n * 2);
    }
    values[n++] = nanos;
  }

  void addAll(long[] nanos) {
    for (long v : nanos) {
      add(v);
    }
  }

  /** The {@code p}-th percentile (nearest rank) in milliseconds; NaN without samples. */
  double percentileMs(double p) {
    if (n == 0) {
      return Double.NaN;
    }
    long[] s = Arrays.copyOf(values, n);
    Arrays.sort(s);
    int rank = (int) Math.ceil(p / 100.0 * n) - 1;
    return s[Math.max(0, Math.min(n - 1, rank))] / 1e6;
  }
}
