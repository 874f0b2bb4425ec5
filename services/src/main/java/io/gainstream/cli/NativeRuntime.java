package io.gainstream.cli;

import java.nio.file.Path;

/**
 * Native-library settings that must be in place before DJL or ONNX Runtime load: DJL stays offline
 * (libtorch comes from the jar on the class path, never from the network) and caches under {@code
 * ~/.gainstream} unless the user chose otherwise.
 */
final class NativeRuntime {
  private NativeRuntime() {}

  static void configure() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    Path cache = Path.of(System.getProperty("user.home"), ".gainstream", "djl");
    for (String key : new String[] {"DJL_CACHE_DIR", "ENGINE_CACHE_DIR"}) {
      if (System.getProperty(key) == null && System.getenv(key) == null) {
        System.setProperty(key, cache.toString());
      }
    }
  }
}
