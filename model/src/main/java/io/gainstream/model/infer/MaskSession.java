package io.gainstream.model.infer;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.InvalidProtocolBufferException;
import io.gainstream.model.onnx.InvalidModelException;
import java.nio.FloatBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ONNX Runtime session of a class-agnostic foreground model (ISNet, U²-Net, BASNet style): an
 * RGB image in, one channel of foreground probability out. It says where objects end, which class
 * attention cannot; the attention says which object it is (docs/QUALITY.md, "Object extent").
 *
 * <p>Such files fix more than gainstream's own exports do: the shared ISNet declares {@code [1, 3,
 * 1024, 1024]} and twelve outputs. The input size is read from the graph; a different one is asked
 * for by rewriting the declared spatial dimensions as free ones (the graph's resizes take their
 * sizes from {@code Shape}, so the weights run at any size), and only the chosen output is fetched.
 * A model whose batch is fixed at 1 runs image by image; one with a free batch, in one call.
 * Thread-safe like {@link AttentionSession}.
 */
public final class MaskSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MaskSession.class);

  /**
   * How images are fed to the model.
   *
   * @param inputSize side of the square input; 0 takes the graph's own (and fails when the graph
   *     leaves it free)
   * @param mean per-channel mean in pixel units (0–255), subtracted first
   * @param std per-channel divisor in pixel units, applied after the mean
   * @param output name of the probability output; empty takes {@code output} when the graph has
   *     one, else its only output of one channel
   */
  public record Options(int inputSize, float[] mean, float[] std, String output) {
    public Options {
      if (inputSize < 0 || inputSize > 4096) {
        throw new IllegalArgumentException(
            "mask model input size must be 0..4096, got " + inputSize);
      }
      if (mean == null || std == null || mean.length != 3 || std.length != 3) {
        throw new IllegalArgumentException("mask model mean and std need three values each");
      }
      for (float s : std) {
        if (!(s > 0)) {
          throw new IllegalArgumentException("mask model std must be > 0, got " + s);
        }
      }
      output = output == null ? "" : output.trim();
    }

    /** The shared ISNet's: its own size, {@code x = (pixel − 128) / 256}, output {@code output}. */
    public static Options defaults() {
      return new Options(0, new float[] {128, 128, 128}, new float[] {256, 256, 256}, "");
    }

    public Options withInputSize(int size) {
      return new Options(size, mean, std, output);
    }
  }

  /** What the graph declares: its input, a fixed side (0 = free), a fixed batch of one, output. */
  record Graph(String input, int fixedSize, boolean batchOfOne, String output) {}

  private final OrtEnvironment env;
  private final OrtSession.SessionOptions sessionOptions;
  private final OrtSession session;
  private final Graph graph;
  private final int size;
  private final Options options;
  private final String id;

  /**
   * Opens a session on a mask model file's bytes.
   *
   * @param name the file name, for the model's id
   * @throws InvalidModelException (one line) when the bytes are not such a model or ONNX Runtime
   *     refuses them
   */
  public MaskSession(byte[] onnx, String name, Options options, InferenceOptions inference) {
    ModelProto model = parse(onnx);
    this.graph = inspect(model, options.output());
    int want = options.inputSize() > 0 ? options.inputSize() : graph.fixedSize();
    if (want <= 0) {
      throw new InvalidModelException(
          "the mask model leaves its input size free: give one (e.g. --mask-size 1024)");
    }
    this.size = want;
    this.options = options;
    this.id = name + "@" + sha256(onnx).substring(0, 12);
    byte[] runnable = graph.fixedSize() == want || graph.fixedSize() == 0 ? onnx : freeSize(model);
    this.env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions so = new OrtSession.SessionOptions();
    String used = InferenceOptions.CPU;
    try {
      used = AttentionSession.configure(so, inference);
      // failures come back as exceptions and are reported in one line; ONNX Runtime's own
      // coloured log line would reach the console past the native-stderr filter
      so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
      this.session = env.createSession(runnable, so);
    } catch (OrtException e) {
      so.close();
      throw new InvalidModelException(
          "ONNX Runtime refused the mask model: " + firstLine(e.getMessage()), e);
    }
    this.sessionOptions = so;
    if (runnable != onnx) {
      probe(want);
    }
    LOG.info(
        "mask model {} on {}: {}x{} input, output {}{}",
        id,
        used,
        size,
        size,
        graph.output(),
        graph.batchOfOne() ? ", one image per call" : "");
  }

  /**
   * Runs one blank image at a size the graph did not declare: a graph may fix sizes inside (a
   * resize to a constant, a concat with a constant shape), which ONNX Runtime finds only when it
   * runs. Such a size is refused now, in one line, instead of dead-lettering every image later.
   */
  private void probe(int want) {
    try {
      foreground(List.of(new byte[3 * want * want]));
    } catch (IllegalStateException e) {
      close();
      String declared =
          graph.fixedSize() > 0 ? " (its graph declares " + graph.fixedSize() + ")" : "";
      throw new InvalidModelException(
          "the mask model does not run at "
              + want
              + declared
              + ": "
              + firstLine(e.getCause() != null ? e.getCause().getMessage() : e.getMessage()),
          e);
    }
  }

  /** The file name and the first 12 hex digits of its SHA-256: what a label records. */
  public String id() {
    return id;
  }

  /** Side of the square input the images are resized to. */
  public int inputSize() {
    return size;
  }

  /**
   * Foreground probability of each image, {@code inputSize²} floats in row-major order.
   *
   * @param rgb interleaved {@code r, g, b} bytes of each image, already {@code inputSize} square
   */
  public List<float[]> foreground(List<byte[]> rgb) {
    int plane = size * size;
    for (byte[] image : rgb) {
      if (image.length != 3 * plane) {
        throw new IllegalArgumentException(
            "expected " + size + "x" + size + " RGB images, got " + image.length + " bytes");
      }
    }
    List<float[]> out = new ArrayList<>(rgb.size());
    int step = graph.batchOfOne() ? 1 : Math.max(1, rgb.size());
    for (int from = 0; from < rgb.size(); from += step) {
      int n = Math.min(step, rgb.size() - from);
      float[] x = new float[n * 3 * plane];
      for (int i = 0; i < n; i++) {
        pack(rgb.get(from + i), x, i * 3 * plane, plane);
      }
      float[] y = run(x, n);
      for (int i = 0; i < n; i++) {
        float[] p = new float[plane];
        System.arraycopy(y, i * plane, p, 0, plane);
        out.add(p);
      }
    }
    return out;
  }

  private void pack(byte[] rgb, float[] x, int offset, int plane) {
    float[] mean = options.mean();
    float[] std = options.std();
    for (int p = 0; p < plane; p++) {
      for (int c = 0; c < 3; c++) {
        x[offset + c * plane + p] = ((rgb[3 * p + c] & 0xff) - mean[c]) / std[c];
      }
    }
  }

  private float[] run(float[] x, int n) {
    int plane = size * size;
    try (OnnxTensor input =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {n, 3, size, size});
        OrtSession.Result result =
            session.run(Map.of(graph.input(), input), Set.of(graph.output()))) {
      OnnxTensor t = (OnnxTensor) result.get(0);
      long[] shape = t.getInfo().getShape();
      long count = 1;
      for (long d : shape) {
        count *= d;
      }
      if (count != (long) n * plane) {
        throw new IllegalStateException(
            "the mask model gave "
                + Arrays.toString(shape)
                + " for "
                + n
                + " images of "
                + size
                + "x"
                + size
                + "; expected one channel at the input size");
      }
      float[] out = new float[n * plane];
      t.getFloatBuffer().get(out);
      return out;
    } catch (OrtException e) {
      throw new IllegalStateException("mask model inference failed: " + e.getMessage(), e);
    }
  }

  private static ModelProto parse(byte[] onnx) {
    try {
      ModelProto m = ModelProto.parseFrom(onnx);
      if (!m.hasGraph() || m.getGraph().getNodeCount() == 0) {
        throw new InvalidModelException("not an ONNX model (no graph)");
      }
      return m;
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidModelException("not an ONNX model: " + firstLine(e.getMessage()), e);
    }
  }

  /** What the graph declares, or one line saying why it is no foreground model. */
  static Graph inspect(ModelProto model, String wanted) {
    var g = model.getGraph();
    Set<String> initializers = new HashSet<>();
    g.getInitializerList().forEach(t -> initializers.add(t.getName()));
    List<ValueInfoProto> inputs =
        g.getInputList().stream().filter(v -> !initializers.contains(v.getName())).toList();
    if (inputs.size() != 1) {
      throw new InvalidModelException(
          "a mask model takes one image input; this one has " + inputs.size());
    }
    ValueInfoProto in = inputs.get(0);
    List<TensorShapeProto.Dimension> dims = in.getType().getTensorType().getShape().getDimList();
    if (dims.size() != 4 || (dims.get(1).hasDimValue() && dims.get(1).getDimValue() != 3)) {
      throw new InvalidModelException(
          "a mask model takes [N, 3, H, W] RGB; input '" + in.getName() + "' is " + show(dims));
    }
    int h = dims.get(2).hasDimValue() ? (int) dims.get(2).getDimValue() : 0;
    int w = dims.get(3).hasDimValue() ? (int) dims.get(3).getDimValue() : 0;
    if (h != w) {
      throw new InvalidModelException(
          "a mask model with a square input is needed; input '"
              + in.getName()
              + "' is "
              + show(dims));
    }
    ValueInfoProto out = null;
    for (ValueInfoProto o : g.getOutputList()) {
      if (!wanted.isEmpty() ? o.getName().equals(wanted) : o.getName().equals("output")) {
        out = o;
      }
    }
    if (out == null && wanted.isEmpty()) {
      List<ValueInfoProto> single =
          g.getOutputList().stream().filter(o -> channels(o) == 1).toList();
      out = single.size() == 1 ? single.get(0) : null;
    }
    if (out == null) {
      throw new InvalidModelException(
          wanted.isEmpty()
              ? "the mask model has no output named 'output' and not exactly one of one channel"
                  + " (name it with gainstream.mask.output)"
              : "the mask model has no output '" + wanted + "'");
    }
    if (channels(out) != 1) {
      throw new InvalidModelException(
          "a mask model gives one channel of foreground probability; output '"
              + out.getName()
              + "' is "
              + show(out.getType().getTensorType().getShape().getDimList()));
    }
    boolean one = dims.get(0).hasDimValue() && dims.get(0).getDimValue() == 1;
    return new Graph(in.getName(), h, one, out.getName());
  }

  /** The channel count of a 4-d output, 1 for a 3-d {@code [N, H, W]} one, else −1. */
  private static long channels(ValueInfoProto o) {
    List<TensorShapeProto.Dimension> d = o.getType().getTensorType().getShape().getDimList();
    if (d.size() == 3) {
      return 1;
    }
    return d.size() == 4 && d.get(1).hasDimValue() ? d.get(1).getDimValue() : -1;
  }

  /** The model with its input's and outputs' spatial sizes declared free, shapes re-inferred. */
  private static byte[] freeSize(ModelProto model) {
    ModelProto.Builder b = model.toBuilder();
    var g = b.getGraphBuilder();
    g.clearValueInfo();
    for (ValueInfoProto.Builder v : g.getInputBuilderList()) {
      free(v);
    }
    for (ValueInfoProto.Builder v : g.getOutputBuilderList()) {
      free(v);
    }
    return b.build().toByteArray();
  }

  private static void free(ValueInfoProto.Builder v) {
    TensorShapeProto.Builder shape = v.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
    int n = shape.getDimCount();
    for (int i = Math.max(0, n - 2); i < n; i++) {
      shape.setDim(i, TensorShapeProto.Dimension.newBuilder().setDimParam(i == n - 2 ? "H" : "W"));
    }
  }

  private static String show(List<TensorShapeProto.Dimension> dims) {
    List<String> s = new ArrayList<>();
    for (TensorShapeProto.Dimension d : dims) {
      s.add(d.hasDimValue() ? Long.toString(d.getDimValue()) : d.getDimParam());
    }
    return "[" + String.join(", ", s) + "]";
  }

  /** Hex SHA-256 of a model file's bytes (its id's suffix). */
  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  @Override
  public void close() {
    AttentionSession.close(session, sessionOptions);
  }
}
