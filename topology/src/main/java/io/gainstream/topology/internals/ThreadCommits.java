package io.gainstream.topology.internals;

import org.apache.kafka.common.Metric;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * How many times the calling stream thread has committed: Kafka Streams' own {@code commit-total}
 * of the thread. The {@link TransactionBudget} starts a new window when it moves, which is how a
 * processor learns that its transaction ended without being told.
 */
final class ThreadCommits {
  private final ProcessorContext<?, ?> context;

  /** The thread's metric, once found. */
  private Metric commitTotal;

  ThreadCommits(ProcessorContext<?, ?> context) {
    this.context = context;
  }

  /** The count now; NaN where there is no such metric (the topology test driver). */
  double now() {
    if (commitTotal == null) {
      String thread = Thread.currentThread().getName();
      for (var e : context.metrics().metrics().entrySet()) {
        var name = e.getKey();
        if (name.name().equals("commit-total")
            && name.group().equals("stream-thread-metrics")
            && thread.equals(name.tags().get("thread-id"))) {
          commitTotal = e.getValue();
          break;
        }
      }
      if (commitTotal == null) {
        return Double.NaN;
      }
    }
    return commitTotal.metricValue() instanceof Double d ? d : Double.NaN;
  }
}
