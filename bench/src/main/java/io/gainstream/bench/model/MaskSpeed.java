package io.gainstream.bench.model;

import io.gainstream.model.infer.InferenceOptions;
import io.gainstream.model.infer.MaskSession;
import io.gainstream.model.onnx.InvalidModelException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * {@code bench model --mask-model}: the mask model's cost by input size, the heaviest step of a
 * photo's labelling on a CPU. Each size is measured with ONNX Runtime's threads over every core
 * (what the pipeline runs) and with one thread, which says whether the attention and mask models
 * would gain from each running on a core of its own.
 */
public final class MaskSpeed {
  private final byte[] model;
  private final String name;
  private final PrintStream out;

  public MaskSpeed(byte[] model, String name, PrintStream out) {
    this.model = model;
    this.name = name;
    this.out = out;
  }

  /**
   * @param sizes input sides to measure
   * @param images images per timed run (one run of the model each where its graph takes one)
   * @param repeats timed runs per cell (median reported)
   */
  public void run(int[] sizes, int images, int repeats) {
    out.printf("### Mask model (%s, ONNX Runtime CPU), per image%n%n", name);
    out.println(
        "| input side | ms per image, all cores | images/s, all cores | images/s, one thread |"
            + " one thread / all cores |");
    out.println("|---:|---:|---:|---:|---:|");
    int cores = Runtime.getRuntime().availableProcessors();
    for (int size : sizes) {
      double all;
      try {
        all = rate(size, InferenceOptions.cpu(), images, repeats);
      } catch (InvalidModelException e) {
        // a graph may fix its sizes inside (the shared ISNet runs at 1024 only): a row says so
        out.printf("| %d | — | does not run at this side: %s | — | — |%n", size, e.getMessage());
        continue;
      }
      double one = rate(size, InferenceOptions.cpu().withThreads(1, 1), images, repeats);
      out.printf(
          "| %d | %.0f | %.2f | %.2f | %.2f (of %d cores) |%n",
          size, 1000 / all, all, one, one / all, cores);
    }
    out.println();
  }

  private double rate(int size, InferenceOptions inference, int images, int repeats) {
    MaskSession.Options options = MaskSession.Options.defaults().withInputSize(size);
    List<byte[]> batch = new ArrayList<>();
    Random rnd = new Random(3);
    for (int i = 0; i < images; i++) {
      byte[] rgb = new byte[3 * size * size];
      rnd.nextBytes(rgb);
      batch.add(rgb);
    }
    double[] rates = new double[repeats];
    try (MaskSession session = new MaskSession(model, name, options, inference)) {
      session.foreground(batch.subList(0, 1));
      for (int r = 0; r < repeats; r++) {
        long t0 = System.nanoTime();
        session.foreground(batch);
        rates[r] = images / ((System.nanoTime() - t0) / 1e9);
      }
    }
    Arrays.sort(rates);
    return rates[rates.length / 2];
  }
}
