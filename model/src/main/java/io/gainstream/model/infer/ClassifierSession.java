package io.gainstream.model.infer;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.gainstream.model.image.RgbResize;
import io.gainstream.model.labels.RegionCheck;
import io.gainstream.model.onnx.InvalidModelException;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One ONNX Runtime session of an ImageNet-1k classifier (the file {@code --backbone} names, before
 * any training), asked one thing: how much of its probability goes to ImageNet's animal classes.
 * {@link RegionCheck} uses it to take out regions of an animal class that show no animal.
 *
 * <p>The input side is the graph's when it fixes one, else 224 (what such classifiers are trained
 * at); the pixels are normalised with ImageNet's mean and standard deviation, or only scaled to [0,
 * 1] for a backbone exported without that step ({@code --backbone-preprocessing none}). A file
 * whose output is not 1000 scores per image is refused in one line. Thread-safe like {@link
 * AttentionSession}.
 */
public final class ClassifierSession implements AutoCloseable {
  /** The side an ImageNet classifier with a free input size is run at. */
  public static final int DEFAULT_SIDE = 224;

  private static final float[] MEAN = {123.675f, 116.28f, 103.53f};
  private static final float[] STD = {58.395f, 57.12f, 57.375f};

  private final OrtEnvironment env;
  private final OrtSession session;
  private final OrtSession.SessionOptions sessionOptions;
  private final String input;
  private final int side;
  private final boolean imagenet;
  private final String id;

  /** Whether the export ends in a softmax: decided once, on a black picture. */
  private final boolean probabilities;

  /**
   * @param name the file name, for the id a label records
   * @param imagenet whether pixels get ImageNet's mean and std (else only scaled to [0, 1])
   * @throws InvalidModelException (one line) when ONNX Runtime refuses the bytes or the model does
   *     not answer 1000 classes
   */
  public ClassifierSession(byte[] onnx, String name, boolean imagenet, InferenceOptions inference) {
    this.env = OrtEnvironment.getEnvironment();
    this.imagenet = imagenet;
    this.id = name + "@" + MaskSession.sha256(onnx).substring(0, 12);
    OrtSession.SessionOptions so = new OrtSession.SessionOptions();
    try {
      AttentionSession.configure(so, inference);
      so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
      this.session = env.createSession(onnx, so);
      NodeInfo in = session.getInputInfo().values().iterator().next();
      this.input = in.getName();
      long[] shape = ((TensorInfo) in.getInfo()).getShape();
      this.side =
          shape.length == 4 && shape[2] > 0 && shape[2] == shape[3] ? (int) shape[2] : DEFAULT_SIDE;
    } catch (OrtException | ClassCastException e) {
      so.close();
      throw new InvalidModelException(
          "ONNX Runtime refused the check model "
              + name
              + ": "
              + MaskSession.firstLine(e.getMessage()),
          e);
    }
    this.sessionOptions = so;
    float[] blank;
    try {
      blank = logits(List.of(new byte[3 * side * side])).get(0);
    } catch (RuntimeException e) {
      // an output that is no float tensor, or a graph that does not run at its side
      close();
      throw new InvalidModelException(
          "the check model " + name + " does not run: " + MaskSession.firstLine(e.getMessage()), e);
    }
    int classes = blank.length;
    this.probabilities = probabilities(blank);
    if (classes != RegionCheck.IMAGENET_CLASSES) {
      close();
      throw new InvalidModelException(
          "the check model "
              + name
              + " gives "
              + classes
              + " scores per image; it must be an ImageNet-1k classifier (1000)");
    }
  }

  /** The file name and the first 12 hex digits of its SHA-256: what a label records. */
  public String id() {
    return id;
  }

  /** Side of the square input crops are boxed into. */
  public int side() {
    return side;
  }

  /**
   * Probability mass of ImageNet's animal classes (0 to 397) for each picture.
   *
   * @param rgb interleaved {@code r, g, b} bytes of each picture, {@link #side()} square
   */
  public float[] animalShares(List<byte[]> rgb) {
    List<float[]> all = logits(rgb);
    float[] out = new float[all.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = animalShare(all.get(i), probabilities);
    }
    return out;
  }

  /**
   * The animal classes' share of one picture's scores: their softmax mass when the scores are
   * logits (torchvision's and the ONNX model zoo's exports), their own mass when the export already
   * ends in a softmax. Why both: a softmax over probabilities is nearly uniform, so such a model
   * would give every crop about 0.4 and the check would silently take nothing out.
   */
  static float animalShare(float[] z, boolean probabilities) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double animals = 0;
    for (int k = 0; k < z.length; k++) {
      double p = probabilities ? z[k] : Math.exp(z[k] - max);
      sum += p;
      if (k < RegionCheck.IMAGENET_ANIMALS) {
        animals += p;
      }
    }
    return (float) (animals / sum);
  }

  /**
   * Scores that are already a distribution: none below 0 or above 1, together 1 (within a percent,
   * for exports whose softmax is quantised).
   */
  static boolean probabilities(float[] z) {
    double sum = 0;
    for (float v : z) {
      if (v < 0 || v > 1 + 1e-3) {
        return false;
      }
      sum += v;
    }
    return Math.abs(sum - 1) < 1e-2;
  }

  /**
   * Animal belief for each box of {@code img}, each crop boxed into {@link #side()} with the
   * letterbox's padding ({@link RgbResize#packed}).
   */
  public float[] animalShares(BufferedImage img, List<RegionCheck.Box> boxes) {
    List<byte[]> crops = new ArrayList<>(boxes.size());
    for (RegionCheck.Box b : boxes) {
      crops.add(RgbResize.packed(img.getSubimage(b.x0(), b.y0(), b.width(), b.height()), side));
    }
    return animalShares(crops);
  }

  /** The model's scores for each picture, one call per picture (batch sizes vary by export). */
  private List<float[]> logits(List<byte[]> rgb) {
    int plane = side * side;
    List<float[]> out = new ArrayList<>(rgb.size());
    for (byte[] picture : rgb) {
      if (picture.length != 3 * plane) {
        throw new IllegalArgumentException(
            "expected " + side + "x" + side + " RGB pictures, got " + picture.length + " bytes");
      }
      float[] x = new float[3 * plane];
      for (int p = 0; p < plane; p++) {
        for (int c = 0; c < 3; c++) {
          float v = picture[3 * p + c] & 0xff;
          x[c * plane + p] = imagenet ? (v - MEAN[c]) / STD[c] : v / 255f;
        }
      }
      try (OnnxTensor t =
              OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 3, side, side});
          OrtSession.Result r = session.run(Map.of(input, t))) {
        if (!(r.get(0) instanceof OnnxTensor y) || y.getFloatBuffer() == null) {
          throw new IllegalStateException("the check model's first output is no float tensor");
        }
        FloatBuffer b = y.getFloatBuffer();
        float[] z = new float[b.remaining()];
        b.get(z);
        out.add(z);
      } catch (OrtException e) {
        throw new IllegalStateException("check model inference failed: " + e.getMessage(), e);
      }
    }
    return out;
  }

  @Override
  public void close() {
    AttentionSession.close(session, sessionOptions);
  }
}
