package io.gainstream.bench;

import io.gainstream.model.infer.AttentionSession;
import io.gainstream.model.infer.InferenceOptions;
import io.gainstream.model.onnx.ScaledRelease;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.topology.PipelineConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Measures the throughput benchmark's figures on one subject, each the median of {@code repeats}
 * runs: a cell of the main table at one batch size (bare model and plain loop in process, stage and
 * end to end through the broker with {@link StreamRun}), and the latency rows at steady publishing
 * rates below capacity.
 */
final class ThroughputCells {
  /** One cell of the table. */
  record Cell(
      double a,
      double aPrime,
      double b,
      double c,
      Latency aLatency,
      Latency cLatency,
      Costs costs) {}

  /** Steady publishing rates of the latency table, as shares of the measured end-to-end rate. */
  static final double[] STEADY_SHARES = {0.25, 0.5, 0.75};

  private static final int STEADY_SECONDS = 8;

  private final ThroughputBenchmark.Options o;
  private final KafkaConnection kafka;
  private final Path work;
  private final Runnable step;
  private final ThroughputReport report;

  /**
   * @param step called after each timed run through the broker
   * @param report where the steady-rate latency rows go as they are measured
   */
  ThroughputCells(
      ThroughputBenchmark.Options options,
      KafkaConnection kafka,
      Path work,
      Runnable step,
      ThroughputReport report) {
    this.o = options;
    this.kafka = kafka;
    this.work = work;
    this.step = step;
    this.report = report;
  }

  Cell cell(Subject s, int batch) throws InterruptedException {
    double[] a = new double[o.repeats()];
    double[] ap = new double[o.repeats()];
    double[] b = new double[o.repeats()];
    double[] c = new double[o.repeats()];
    Latency aLat = new Latency();
    Latency cLat = new Latency();
    Costs costs = new Costs();
    // the bare model and the plain loop get ONNX Runtime's own default threads, as a script would
    List<AttentionSession> scaled = new ArrayList<>();
    try (AttentionSession session = new AttentionSession(s.onnx(), InferenceOptions.cpu())) {
      for (int size : ScaledRelease.otherSides(s.onnx(), s.scales())) {
        scaled.add(new AttentionSession(ScaledRelease.at(s.onnx(), size), InferenceOptions.cpu()));
      }
      float[][] ready = InProcessColumns.readyTensors(s, batch);
      InProcessColumns.bare(session, scaled, s, ready, batch, 1, new Latency());
      InProcessColumns.loop(session, scaled, s, batch, new Costs());
      for (int r = 0; r < o.repeats(); r++) {
        a[r] = InProcessColumns.bare(session, scaled, s, ready, batch, 1, aLat);
        ap[r] = InProcessColumns.loop(session, scaled, s, batch, costs);
      }
    } finally {
      scaled.forEach(AttentionSession::close);
    }
    for (int r = 0; r < o.repeats(); r++) {
      StreamRun.Result res =
          new StreamRun(kafka, work, s, batch, o.streamThreads(), o.ortThreads()).run(s.images());
      if (res.lost() > 0 || res.doubled() > 0) {
        throw new IllegalStateException(
            s.name()
                + " batch "
                + batch
                + ": "
                + res.lost()
                + " lost, "
                + res.doubled()
                + " doubled");
      }
      b[r] = res.stageImagesPerSecond();
      c[r] = res.imagesPerSecond();
      cLat.addAll(res.latencies());
      step.run();
    }
    return new Cell(median(a), median(ap), median(b), median(c), aLat, cLat, costs);
  }

  /**
   * Latency below capacity: images published at a steady share of the measured end-to-end rate.
   * Under saturation (the main table) an image's latency is mostly the queue in front of it; here
   * it is the batch wait, the model and the commit interval. Only for the first (default) model:
   * the reference model's capacity is so low that a steady-rate run would take minutes.
   */
  void steadyLatency(Subject s, int batch, double capacity) throws InterruptedException {
    PipelineConfig defaults = Subject.config("x", s, batch, 0);
    report.steadyHeader(s, batch, defaults, STEADY_SECONDS);
    for (double share : STEADY_SHARES) {
      double rate = share * capacity;
      int n = (int) Math.max(50, Math.round(rate * STEADY_SECONDS));
      double[] got = new double[o.repeats()];
      Latency lat = new Latency();
      for (int r = 0; r < o.repeats(); r++) {
        StreamRun.Result res =
            new StreamRun(kafka, work, s, batch, o.streamThreads(), o.ortThreads()).run(n, rate);
        if (res.lost() > 0 || res.doubled() > 0) {
          throw new IllegalStateException(
              s.name()
                  + " at "
                  + rate
                  + " img/s: "
                  + res.lost()
                  + " lost, "
                  + res.doubled()
                  + " doubled");
        }
        got[r] = res.imagesPerSecond();
        lat.addAll(res.latencies());
        step.run();
      }
      report.steadyRow(rate, share, median(got), lat);
    }
    report.endTable();
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
