package io.gainstream.model.infer;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.gainstream.model.net.Prediction;
import io.gainstream.model.onnx.InvalidModelException;
import io.gainstream.model.onnx.ModelInfo;
import io.gainstream.model.onnx.OnnxExporter;
import io.gainstream.model.onnx.OnnxImporter;
import java.nio.FloatBuffer;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One long-lived ONNX Runtime session of a released GAIN model: create it once per model version,
 * call {@link #run} with whole batches ({@code run} is thread-safe), close it when the next release
 * replaces it. Every tensor and result is closed as soon as its floats are copied out.
 */
public final class AttentionSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AttentionSession.class);

  private final OrtEnvironment env;
  private final OrtSession.SessionOptions options;
  private final OrtSession session;
  private final ModelInfo info;
  private final String provider;

  /**
   * Opens a session on an exported model.
   *
   * @throws InvalidModelException when the bytes are not a gainstream export or ONNX Runtime
   *     refuses them
   */
  public AttentionSession(byte[] onnx, InferenceOptions opts) {
    this.info = OnnxImporter.readInfo(onnx);
    this.env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions so = new OrtSession.SessionOptions();
    String used = InferenceOptions.CPU;
    try {
      used = configure(so, opts);
      this.session = env.createSession(onnx, so);
    } catch (OrtException e) {
      so.close();
      throw new InvalidModelException("ONNX Runtime refused the model: " + e.getMessage(), e);
    }
    this.options = so;
    this.provider = used;
    LOG.info(
        "ONNX Runtime session for model version {} ({} classes, {}x{} input) on {}",
        info.version(),
        info.spec().numClasses(),
        info.spec().inputSize(),
        info.spec().inputSize(),
        used);
  }

  /**
   * Full graph optimisation, the thread counts, and CUDA when asked (CPU when it is missing);
   * returns the provider in use. Shared with {@link MaskSession}.
   */
  static String configure(OrtSession.SessionOptions so, InferenceOptions opts) throws OrtException {
    so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    if (opts.intraOpThreads() > 0) {
      so.setIntraOpNumThreads(opts.intraOpThreads());
    }
    if (opts.interOpThreads() > 0) {
      so.setInterOpNumThreads(opts.interOpThreads());
    }
    return InferenceOptions.CUDA.equals(opts.provider())
        ? tryCuda(so, opts.cudaDevice())
        : InferenceOptions.CPU;
  }

  private static String tryCuda(OrtSession.SessionOptions so, int device) {
    try {
      so.addCUDA(device);
      return InferenceOptions.CUDA;
    } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
      LOG.warn(
          "CUDA execution provider unavailable ({}); falling back to CPU. The GPU build needs the"
              + " -Pgpu profile, CUDA 12.x and cuDNN 9.x.",
          e.getMessage());
      return InferenceOptions.CPU;
    }
  }

  public ModelInfo info() {
    return info;
  }

  /** The execution provider actually in use ({@code cpu} after a CUDA fallback). */
  public String provider() {
    return provider;
  }

  /**
   * Scores and attention maps for {@code n} images laid out NCHW in {@code images}, floats in [0,
   * 1] at the model's input size.
   */
  public Prediction run(float[] images, int n) {
    int s = info.spec().inputSize();
    int c = info.spec().numClasses();
    long expected = (long) n * 3 * s * s;
    if (n < 1 || images.length < expected) {
      throw new IllegalArgumentException(
          "expected "
              + n
              + " images of 3x"
              + s
              + "x"
              + s
              + " ("
              + expected
              + " floats), got "
              + images.length);
    }
    try (OnnxTensor input =
            OnnxTensor.createTensor(
                env, FloatBuffer.wrap(images, 0, (int) expected), new long[] {n, 3, s, s});
        OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
      float[] probs = copy(result, OnnxExporter.PROBABILITIES, n * c);
      float[] att = copy(result, OnnxExporter.ATTENTION, n * c * s * s);
      return new Prediction(n, c, s, probs, att);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime inference failed: " + e.getMessage(), e);
    }
  }

  private static float[] copy(OrtSession.Result result, String name, int size) {
    OnnxTensor t =
        (OnnxTensor)
            result
                .get(name)
                .orElseThrow(() -> new IllegalStateException("model has no output " + name));
    FloatBuffer fb = t.getFloatBuffer();
    float[] out = new float[size];
    fb.get(out);
    return out;
  }

  @Override
  public void close() {
    close(session, options);
  }

  /**
   * Closes a session and then its options; a failure to close is logged, not thrown (it frees
   * native memory, and there is nothing for a caller to do about it). Shared by this package's
   * sessions.
   */
  static void close(OrtSession session, OrtSession.SessionOptions options) {
    try {
      session.close();
    } catch (OrtException e) {
      LOG.warn("closing ONNX Runtime session failed: {}", e.getMessage());
    }
    options.close();
  }
}
