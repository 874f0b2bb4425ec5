package io.gainstream.model.infer;

import java.util.Locale;

/**
 * How ONNX Runtime runs: the execution provider and its thread counts.
 *
 * @param provider {@code cpu}, or {@code cuda} (falls back to CPU with a warning when the CUDA
 *     provider or its libraries are missing)
 * @param intraOpThreads threads inside one operator; 0 lets ONNX Runtime decide. On a small machine
 *     size it against the Kafka Streams threads so they don't fight for cores.
 * @param interOpThreads threads across independent operators; 0 lets ONNX Runtime decide
 * @param cudaDevice CUDA device id
 */
public record InferenceOptions(
    String provider, int intraOpThreads, int interOpThreads, int cudaDevice) {
  public static final String CPU = "cpu";
  public static final String CUDA = "cuda";

  public InferenceOptions {
    provider = provider == null ? CPU : provider.trim().toLowerCase(Locale.ROOT);
    if (!provider.equals(CPU) && !provider.equals(CUDA)) {
      throw new IllegalArgumentException(
          "unknown execution provider '" + provider + "', expected cpu or cuda");
    }
    if (intraOpThreads < 0 || interOpThreads < 0) {
      throw new IllegalArgumentException("thread counts must be >= 0");
    }
  }

  /** CPU, all cores for one operator, one inter-op thread. */
  public static InferenceOptions cpu() {
    return new InferenceOptions(CPU, 0, 1, 0);
  }

  public InferenceOptions withThreads(int intra, int inter) {
    return new InferenceOptions(provider, intra, inter, cudaDevice);
  }
}
