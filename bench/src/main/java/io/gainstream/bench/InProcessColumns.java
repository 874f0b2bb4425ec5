package io.gainstream.bench;

import io.gainstream.model.image.ImageBytes;
import io.gainstream.model.image.Tensors;
import io.gainstream.model.infer.AttentionSession;
import io.gainstream.model.infer.BatchAttention;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.input.ImageDecoder;
import io.gainstream.model.labels.CrfRefiner;
import io.gainstream.model.labels.ImageLabeler;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.model.labels.VocPalette;
import io.gainstream.model.labels.WalkRefiner;
import io.gainstream.model.release.LabelPath;
import io.gainstream.model.release.LabelRecipe;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The two in-process columns of the throughput table, no Kafka involved: (a) the bare model,
 * batched attention on tensors made ready beforehand, and (a′) a plain loop doing the pipeline's
 * per-image work (decode, resize, model, thresholds, PNG encoding) with the time of each step
 * summed into {@link Costs}. One timed pass over a subject's images per call.
 */
final class InProcessColumns {
  private InProcessColumns() {}

  /** (a): batched attention on ready tensors; images/s over the whole set. */
  static double bare(
      AttentionSession session,
      List<AttentionSession> scaled,
      Subject s,
      float[][] ready,
      int batch,
      int passes,
      Latency lat) {
    int n = s.images();
    long t0 = System.nanoTime();
    int done = 0;
    for (int p = 0; p < passes; p++) {
      for (int i = 0, j = 0; i < n; i += batch, j++) {
        int m = Math.min(batch, n - i);
        long b0 = System.nanoTime();
        BatchAttention.run(
            session,
            scaled,
            ready[j],
            m,
            s.classes().subList(i, i + m).toArray(int[][]::new),
            true);
        lat.add(System.nanoTime() - b0);
        done += m;
      }
    }
    return done / ((System.nanoTime() - t0) / 1e9);
  }

  /** (a′): the per-image work of the pipeline as a plain loop; stage costs go to {@code costs}. */
  static double loop(
      AttentionSession session, List<AttentionSession> scaled, Subject s, int batch, Costs costs) {
    DecodeLimits limits = DecodeLimits.defaults();
    ImageLabeler.Settings labels = ImageLabeler.Settings.defaults();
    LabelPath path =
        new LabelPath(
            new LabelRecipe(
                "bench",
                s.spec().inputSize(),
                s.classNames(),
                labels.thresholds(),
                s.refined() ? CrfRefiner.Settings.defaults() : null,
                s.scales(),
                true),
            labels);
    CrfRefiner refiner = new CrfRefiner(CrfRefiner.Settings.defaults());
    WalkRefiner walker = new WalkRefiner(WalkRefiner.Settings.defaults());
    int size = s.spec().inputSize();
    int n = s.images();
    long extras = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i += batch) {
      int m = Math.min(batch, n - i);
      List<LabelPath.Input> inputs = new ArrayList<>(m);
      for (int j = 0; j < m; j++) {
        long d0 = System.nanoTime();
        var img = ImageDecoder.decodeRaw(s.encoded().get(i + j), limits);
        long d1 = System.nanoTime();
        inputs.add(LabelPath.prepare(img, size));
        costs.decode += d1 - d0;
        costs.resize += System.nanoTime() - d1;
      }
      long b0 = System.nanoTime();
      float[] tensor = path.batch(inputs);
      costs.resize += System.nanoTime() - b0;
      int[] widths = inputs.stream().mapToInt(LabelPath.Input::width).toArray();
      int[] heights = inputs.stream().mapToInt(LabelPath.Input::height).toArray();
      byte[][] packed = inputs.stream().map(LabelPath.Input::rgb).toArray(byte[][]::new);
      int[][] classes = s.classes().subList(i, i + m).toArray(int[][]::new);
      long m0 = System.nanoTime();
      BatchAttention.Result r = path.attend(session, scaled, tensor, m, classes);
      costs.model += System.nanoTime() - m0;
      for (int j = 0; j < m; j++) {
        long l0 = System.nanoTime();
        ImageLabeler.Result lab =
            path.label(r.maps()[j], classes[j], widths[j], heights[j], packed[j]);
        long l1 = System.nanoTime();
        int bytes = LabelPng.writePalette(lab.classMap(), widths[j], heights[j]).length;
        for (int k : classes[j]) {
          bytes += LabelPng.writeGray(lab.softMasks().get(k), widths[j], heights[j]).length;
          bytes += LabelPng.writeGray(lab.zones().get(k), widths[j], heights[j]).length;
        }
        long l2 = System.nanoTime();
        costs.threshold += l1 - l0;
        costs.encode += l2 - l1;
        costs.pngBytes += bytes;
        costs.rawBytes += (long) widths[j] * heights[j] * (1 + 2 * classes[j].length);
        if (costs.images % 8 == 0 && !s.refined()) {
          long e0 = System.nanoTime();
          imageIoBytes(lab, widths[j], heights[j], classes[j]);
          long c0 = System.nanoTime();
          refiner.classMap(r.maps()[j], classes[j], size, packed[j], widths[j], heights[j]);
          long c1 = System.nanoTime();
          walker.classMap(
              r.maps()[j], classes[j], size, packed[j], widths[j], heights[j], labels.thresholds());
          long c2 = System.nanoTime();
          costs.imageIoEncode += c0 - e0;
          costs.imageIoSamples++;
          costs.crf += c1 - c0;
          costs.walk += c2 - c1;
          costs.crfSamples++;
          // sampled comparisons, not the pipeline's work: kept out of a′
          extras += c2 - e0;
        }
        costs.images++;
      }
    }
    return n / ((System.nanoTime() - t0 - extras) / 1e9);
  }

  /** The same PNGs through ImageIO's writer, sampled, to show what {@code PngWriter} saves. */
  private static int imageIoBytes(ImageLabeler.Result lab, int w, int h, int[] classes) {
    int bytes = imageIo(lab.classMap(), w, h, true);
    for (int k : classes) {
      bytes += imageIo(lab.softMasks().get(k), w, h, false);
      bytes += imageIo(lab.zones().get(k), w, h, false);
    }
    return bytes;
  }

  private static int imageIo(byte[] v, int w, int h, boolean palette) {
    BufferedImage img =
        palette
            ? new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, VocPalette.colorModel())
            : new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setDataElements(0, 0, w, h, v);
    return ImageBytes.encode(img, "png").length;
  }

  /** The subject's images decoded and packed as model input, one tensor per batch, for (a). */
  static float[][] readyTensors(Subject s, int batch) {
    int size = s.spec().inputSize();
    int plane = size * size;
    int n = s.images();
    float[][] out = new float[(n + batch - 1) / batch][];
    for (int i = 0, j = 0; i < n; i += batch, j++) {
      int m = Math.min(batch, n - i);
      out[j] = new float[m * 3 * plane];
      for (int k = 0; k < m; k++) {
        var img = ImageDecoder.decodeRgb(s.encoded().get(i + k), DecodeLimits.defaults());
        Tensors.toChw(img, size, out[j], k * 3 * plane);
      }
    }
    return out;
  }
}
