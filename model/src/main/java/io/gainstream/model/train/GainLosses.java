package io.gainstream.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import io.gainstream.model.net.GainNetwork;
import java.util.ArrayList;
import java.util.List;

/**
 * The losses GAIN trains with, one per stream: {@code L_cl} on the class scores (every head's),
 * {@code L_am} on the scores of the images with their attention erased (self-guided mining), and
 * {@code L_e} between attention and given pixel labels (GAIN_ext). Pure functions of their arrays,
 * apart from the erased forward pass {@code L_am} needs.
 */
final class GainLosses {
  private GainLosses() {}

  /** Multi-label soft-margin loss: mean binary cross-entropy on logits, numerically stable. */
  static NDArray classification(NDArray logits, NDArray labels) {
    return Activation.relu(logits)
        .sub(logits.mul(labels))
        .add(logits.abs().neg().exp().add(1).log())
        .mean();
  }

  /**
   * {@code L_am}: for every (image, ground-truth class) pair, the image with its soft mask {@code
   * T(A^c)} erased is scored again; the loss is the sigmoid score of c, averaged over the image's n
   * classes and then over images. Images without labels contribute nothing; null when no image has
   * a label.
   */
  static NDArray attentionMining(
      GainNetwork network,
      ParameterStore store,
      GainSettings settings,
      NDArray x,
      NDArray attention,
      Batch batch,
      int c) {
    int n = batch.size();
    List<NDArray> images = new ArrayList<>();
    List<NDArray> maps = new ArrayList<>();
    List<Integer> classes = new ArrayList<>();
    List<Float> weights = new ArrayList<>();
    int labelled = 0;
    for (int i = 0; i < n; i++) {
      if (countLabels(batch.labels(), i, c) > 0) {
        labelled++;
      }
    }
    if (labelled == 0) {
      return null;
    }
    for (int i = 0; i < n; i++) {
      int k = countLabels(batch.labels(), i, c);
      for (int j = 0; j < c; j++) {
        if (batch.labels()[i * c + j] > 0.5f) {
          images.add(x.get(i));
          maps.add(attention.get(i, j));
          classes.add(j);
          weights.add(1f / (k * labelled));
        }
      }
    }
    int pairs = classes.size();
    NDArray soft =
        Activation.sigmoid(
            NDArrays.stack(new NDList(maps)).sub(settings.sigma()).mul(settings.omega()));
    NDArray erased = NDArrays.stack(new NDList(images)).mul(soft.expandDims(1).neg().add(1));
    NDArray erasedLogits = network.forward(store, new NDList(erased), false).get(0);
    float[] select = new float[pairs * c];
    float[] w = new float[pairs];
    for (int p = 0; p < pairs; p++) {
      select[p * c + classes.get(p)] = 1f;
      w[p] = weights.get(p);
    }
    NDManager m = x.getManager();
    NDArray score =
        Activation.sigmoid(erasedLogits)
            .mul(m.create(select, new Shape(pairs, c)))
            .sum(new int[] {1});
    return score.mul(m.create(w)).sum();
  }

  /**
   * {@code L_e}: mean squared error between attention and pixel labels, over labelled pairs of the
   * images that have pixel labels; null when none has.
   */
  static NDArray pixel(NDArray attention, Batch batch, NDManager sub, int c, int s) {
    int n = batch.size();
    float[] w = new float[n * c];
    int pairs = 0;
    for (int i = 0; i < n; i++) {
      if (!batch.hasMask()[i]) {
        continue;
      }
      for (int j = 0; j < c; j++) {
        if (batch.labels()[i * c + j] > 0.5f) {
          w[i * c + j] = 1f;
          pairs++;
        }
      }
    }
    if (pairs == 0) {
      return null;
    }
    for (int k = 0; k < w.length; k++) {
      w[k] /= pairs;
    }
    NDArray target = sub.create(batch.masks(), new Shape(n, c, s, s));
    NDArray mse = attention.sub(target).square().reshape(n, c, (long) s * s).mean(new int[] {2});
    return mse.mul(sub.create(w, new Shape(n, c))).sum();
  }

  private static int countLabels(float[] labels, int i, int c) {
    int k = 0;
    for (int j = 0; j < c; j++) {
      if (labels[i * c + j] > 0.5f) {
        k++;
      }
    }
    return k;
  }
}
