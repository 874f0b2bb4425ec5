package io.gainstream.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PyTorch's own fused activation kernels, which DJL does not expose: {@code hardtanh} (ReLU6, the
 * Clip of MobileNet-style backbones) and {@code hardswish}. Written with DJL's ops, a clip is a
 * clamp forward and four kernels backward (ge, le, logical_and, where over the whole activation), a
 * third of a MobileNetV2 GAIN step's CPU; PyTorch's {@code hardtanh_backward} is one pass.
 *
 * <p>DJL runs TorchScript modules with autograd, so each kernel is a one-line TorchScript module
 * written here as a TorchScript archive (a zip of its code and an empty module's pickle, nothing
 * trained) and loaded once per process. Where a module cannot be loaded (another engine, a libtorch
 * that refuses the archive), the composite ops stay, with one warning line: same forward, the
 * backward differs only at exactly the bounds (hardtanh passes no gradient there, clamp does).
 */
public final class TorchKernels {
  private static final Logger LOG = LoggerFactory.getLogger(TorchKernels.class);

  /** Loaded modules by their code; an absent value means loading failed (composite ops). */
  private static final Map<String, Object> MODULES = new ConcurrentHashMap<>();

  private static final Object FAILED = new Object();

  /** Off only when asked for: the composite ops, to measure the fused ones against. */
  private static final boolean FUSED =
      !"composite".equals(System.getenv("GAINSTREAM_TORCH_KERNELS"));

  /** The manager the modules live in: the process's, as the modules are; made on first use. */
  private static final class Modules {
    static final NDManager MANAGER = NDManager.newBaseManager("PyTorch");
  }

  private TorchKernels() {}

  /**
   * Whether the fused kernels are asked for ({@code GAINSTREAM_TORCH_KERNELS} is not {@code
   * composite}): what a benchmark reports as the kernels it trained with.
   */
  public static boolean fused() {
    return FUSED;
  }

  /** ReLU6 and other clips with both bounds: {@code torch.hardtanh(x, lo, hi)}, else null. */
  static NDArray hardtanh(NDArray x, float lo, float hi) {
    String l = literal(lo);
    String h = literal(hi);
    if (l == null || h == null || !(lo < hi)) {
      return null;
    }
    return apply("torch.hardtanh(x, " + l + ", " + h + ")", x);
  }

  /** {@code x · relu6(x + 3) / 6}: {@code torch.hardswish(x)}, else null. */
  static NDArray hardswish(NDArray x) {
    return apply("torch.hardswish(x)", x);
  }

  /** A float as TorchScript reads it, or null for what its lexer may not (exponents, ±inf). */
  static String literal(float v) {
    if (!Float.isFinite(v)) {
      return null;
    }
    String s = Double.toString(v);
    return s.contains("E") ? null : s;
  }

  private static NDArray apply(String expression, NDArray x) {
    if (!FUSED || !(x.getManager() instanceof PtNDManager)) {
      return null;
    }
    Object m = MODULES.computeIfAbsent(expression, TorchKernels::load);
    if (m == FAILED) {
      return null;
    }
    return IValueUtils.forward((PtSymbolBlock) m, new NDList(x), true).singletonOrThrow();
  }

  private static Object load(String expression) {
    try {
      return JniUtils.loadModule(
          (PtNDManager) Modules.MANAGER,
          new ByteArrayInputStream(archive(expression)),
          false,
          false);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "PyTorch's fused kernel '{}' could not be loaded ({}): the composite ops train instead",
          expression,
          e.getMessage());
      return FAILED;
    }
  }

  /**
   * A TorchScript archive (format version 3, what torch.jit.save wrote for a module like this one):
   * the module's class in {@code code/}, an instance with only its {@code training} flag in {@code
   * data.pkl}, no constants. Entries are stored, not compressed, as PyTorch's own writer does.
   */
  static byte[] archive(String expression) throws IOException {
    String code =
        "class Kernel(Module):\n"
            + "  __parameters__ = []\n"
            + "  __buffers__ = []\n"
            + "  training : bool\n"
            + "  def forward(self: __torch__.Kernel,\n"
            + "    x: Tensor) -> Tensor:\n"
            + "    return "
            + expression
            + "\n";
    ByteArrayOutputStream pickle = new ByteArrayOutputStream();
    pickle.write(new byte[] {(byte) 0x80, 2}); // PROTO 2
    pickle.write("c__torch__\nKernel\n".getBytes(StandardCharsets.US_ASCII)); // GLOBAL
    pickle.write(new byte[] {')', (byte) 0x81, '}', '('}); // () NEWOBJ {} MARK
    pickle.write(new byte[] {'X', 8, 0, 0, 0}); // BINUNICODE of 8 bytes
    pickle.write("training".getBytes(StandardCharsets.US_ASCII));
    pickle.write(new byte[] {(byte) 0x88, 'u', 'b', '.'}); // True SETITEMS BUILD STOP
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(zip)) {
      stored(out, "kernel/version", "3\n".getBytes(StandardCharsets.US_ASCII));
      stored(out, "kernel/data.pkl", pickle.toByteArray());
      stored(out, "kernel/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
      stored(out, "kernel/code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
    }
    return zip.toByteArray();
  }

  private static void stored(ZipOutputStream out, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    e.setCompressedSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setCrc(crc.getValue());
    out.putNextEntry(e);
    out.write(data);
    out.closeEntry();
  }
}
