package io.gainstream.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Peak memory of the benchmark process: heap used (sampled every 50 ms, since pool peaks add up to
 * more than any moment held) and resident set size (the kernel's high-water mark, which also counts
 * ONNX Runtime's and RocksDB's native memory).
 */
final class Memory implements AutoCloseable {
  private volatile long peakHeap;
  private volatile boolean running = true;
  private Thread sampler;

  void start() {
    sampler =
        new Thread(
            () -> {
              while (running) {
                long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                if (used > peakHeap) {
                  peakHeap = used;
                }
                try {
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "memory-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  long peakHeapMiB() {
    return peakHeap >> 20;
  }

  /** {@code VmHWM} of this process in MiB, or −1 where /proc is not there. */
  static long peakRssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  @Override
  public void close() {
    running = false;
    if (sampler != null) {
      sampler.interrupt();
    }
  }
}
