package io.gainstream.bench.model;

import io.gainstream.model.backbone.TorchKernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the process's native side runs with, as a benchmark must report it: the memory allocator
 * actually loaded (read from the process's own mappings, not from the environment that asked for
 * it) and the CPU time the process spent in user space and in the kernel. PyTorch's training steps
 * on an imported backbone spent a third of their CPU in the kernel under glibc (page faults of
 * freshly mapped activations), so a training row without its system share hides the allocator.
 */
public final class NativeRuntime {
  /** Linux's USER_HZ, the unit of /proc's CPU times; 100 on every common kernel build. */
  private static final double TICKS_PER_SECOND = 100.0;

  private NativeRuntime() {}

  /** tcmalloc, jemalloc or glibc: the allocator library mapped into this process. */
  public static String allocator() {
    try {
      String maps = Files.readString(Path.of("/proc/self/maps"));
      if (maps.contains("libtcmalloc")) {
        return "tcmalloc";
      }
      if (maps.contains("libjemalloc")) {
        return "jemalloc";
      }
      return "glibc";
    } catch (IOException e) {
      return "unknown (no /proc)";
    }
  }

  /** The activation kernels imported backbones train with (the model's own switch). */
  public static String kernels() {
    return TorchKernels.fused() ? "fused" : "composite";
  }

  /** The process's CPU time so far, seconds in user space and in the kernel. */
  public record CpuTime(double user, double system) {
    /** The kernel's share of the CPU spent between {@code earlier} and this reading. */
    public double systemShareSince(CpuTime earlier) {
      double u = user - earlier.user;
      double s = system - earlier.system;
      return u + s <= 0 ? 0 : s / (u + s);
    }
  }

  /** Reads /proc/self/stat; zero times where there is no /proc (the share is then 0). */
  public static CpuTime cpuTime() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // the command name (field 2) may hold spaces: count fields after its closing parenthesis
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields 14 and 15 of the whole line (utime, stime) are 12 and 13 after the name
      return new CpuTime(
          Long.parseLong(f[11]) / TICKS_PER_SECOND, Long.parseLong(f[12]) / TICKS_PER_SECOND);
    } catch (IOException | RuntimeException e) {
      return new CpuTime(0, 0);
    }
  }
}
