package io.gainstream.model.train;

import io.gainstream.model.image.Letterbox;
import io.gainstream.model.image.Tensors;
import io.gainstream.model.synthetic.SyntheticDataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Turns examples into {@link Batch}es: random batches for training, in-order chunks for inference.
 */
public final class Batches {
  private Batches() {}

  /** Packs {@code examples} into one batch. Masks are kept only when {@code withMasks}. */
  public static Batch of(List<Example> examples, int numClasses, int size, boolean withMasks) {
    int n = examples.size();
    int plane = size * size;
    float[] images = new float[n * 3 * plane];
    float[] labels = new float[n * numClasses];
    boolean[] hasMask = new boolean[n];
    boolean anyMask = withMasks && examples.stream().anyMatch(e -> e.mask() != null);
    float[] masks = anyMask ? new float[n * numClasses * plane] : null;
    for (int i = 0; i < n; i++) {
      Example e = examples.get(i);
      System.arraycopy(e.chw(), 0, images, i * 3 * plane, 3 * plane);
      for (int k : e.classes()) {
        labels[i * numClasses + (k - 1)] = 1f;
      }
      if (anyMask && e.mask() != null) {
        hasMask[i] = true;
        Tensors.classPlanes(e.mask(), numClasses, masks, i * numClasses * plane);
      }
    }
    return new Batch(n, images, labels, masks, hasMask);
  }

  /** A batch drawn uniformly with replacement from {@code pool}. */
  public static Batch sample(
      List<Example> pool, int batchSize, int numClasses, int size, boolean withMasks, Random rnd) {
    List<Example> picked = new ArrayList<>(batchSize);
    for (int i = 0; i < batchSize; i++) {
      picked.add(pool.get(rnd.nextInt(pool.size())));
    }
    return of(picked, numClasses, size, withMasks);
  }

  /**
   * Synthetic samples as examples; the first {@code withMaskCount} keep their pixel labels (the few
   * pixel-labelled images of gain-ext).
   */
  public static List<Example> fromSynthetic(
      List<SyntheticDataset.Sample> samples, int size, int withMaskCount) {
    List<Example> out = new ArrayList<>(samples.size());
    for (int i = 0; i < samples.size(); i++) {
      SyntheticDataset.Sample s = samples.get(i);
      int w = s.image().getWidth();
      int h = s.image().getHeight();
      byte[] mask = i < withMaskCount ? Letterbox.of(w, h, size).placeLabels(s.mask(), w, h) : null;
      out.add(new Example(s.id(), Tensors.toChw(s.image(), size), s.classes(), mask));
    }
    return out;
  }
}
