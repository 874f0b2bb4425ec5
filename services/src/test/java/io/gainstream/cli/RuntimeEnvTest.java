package io.gainstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/runtime-env}, which {@code ./gainstream} and the image source before the JVM starts:
 * the allocator it preloads, glibc's settings without one, a choice made again (not stacked) by a
 * command a command started, and a one-line refusal of values it does not know.
 */
class RuntimeEnvTest {
  private static final Path SCRIPT = Path.of("..", "bin", "runtime-env").toAbsolutePath();

  private record Sourced(int code, Map<String, String> env, String err) {}

  private static Sourced source(Map<String, String> given)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("sh", "-c", ". \"$0\" && env", SCRIPT.toString());
    pb.environment()
        .keySet()
        .removeIf(
            k ->
                k.startsWith("GAINSTREAM_")
                    || k.startsWith("MALLOC")
                    || k.startsWith("TCMALLOC")
                    || k.equals("ATEN_CPU_CAPABILITY")
                    || k.equals("ONEDNN_MAX_CPU_ISA"));
    pb.environment().remove("LD_PRELOAD");
    pb.environment().putAll(given);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    Map<String, String> env = new HashMap<>();
    for (String line : out.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return new Sourced(p.waitFor(), env, err);
  }

  @Test
  void shouldKeepGlibcTunedAndPreloadNothingWhenAskedForGlibc() throws Exception {
    Sourced s = source(Map.of("GAINSTREAM_ALLOCATOR", "glibc"));
    assertThat(s.code()).isZero();
    assertThat(s.env()).doesNotContainKey("LD_PRELOAD");
    assertThat(s.env()).containsEntry("MALLOC_MMAP_THRESHOLD_", "33554432");
    assertThat(s.env()).containsEntry("GAINSTREAM_TORCH_KERNELS", "fused");
    assertThat(s.env()).containsEntry("ATEN_CPU_CAPABILITY", "avx2");
  }

  @Test
  void shouldPreloadWhatAutoFinds() throws Exception {
    Sourced auto = source(Map.of());
    assertThat(auto.code()).isZero();
    String chosen = auto.env().get("GAINSTREAM_ALLOCATOR");
    assertThat(chosen).isIn("tcmalloc", "jemalloc", "glibc");
    if (chosen.equals("glibc")) {
      assertThat(auto.env()).doesNotContainKey("LD_PRELOAD");
    } else {
      String lib = auto.env().get("GAINSTREAM_PRELOADED");
      assertThat(Files.isRegularFile(Path.of(lib))).isTrue();
      assertThat(auto.env().get("LD_PRELOAD")).isEqualTo(lib);
    }
  }

  @Test
  void shouldChooseAgainInAChildRatherThanStackAndKeepTheUsersOwnPreloads() throws Exception {
    // what a parent preloaded leaves the list wherever it is; the user's own entries stay
    String parents = "/opt/parent/libtcmalloc_minimal.so.4";
    Sourced child =
        source(
            Map.of(
                "GAINSTREAM_ALLOCATOR",
                "glibc",
                "GAINSTREAM_PRELOADED",
                parents,
                "LD_PRELOAD",
                "/opt/a.so:" + parents + ":/opt/b.so"));
    assertThat(child.code()).isZero();
    assertThat(child.env()).containsEntry("LD_PRELOAD", "/opt/a.so:/opt/b.so");
    assertThat(child.env()).doesNotContainKey("GAINSTREAM_PRELOADED");
    Sourced only = source(Map.of("GAINSTREAM_PRELOADED", parents, "LD_PRELOAD", parents));
    assertThat(only.env().getOrDefault("LD_PRELOAD", "")).doesNotContain("/opt/parent");

    // a user who preloads an allocator of their own keeps it, alone
    Sourced users = source(Map.of("LD_PRELOAD", "/opt/libmimalloc.so"));
    assertThat(users.code()).isZero();
    assertThat(users.env()).containsEntry("LD_PRELOAD", "/opt/libmimalloc.so");
    assertThat(users.env()).doesNotContainKey("GAINSTREAM_PRELOADED");
  }

  @Test
  void shouldRefuseUnknownValuesInOneLine() throws Exception {
    Sourced allocator = source(Map.of("GAINSTREAM_ALLOCATOR", "mimalloc"));
    assertThat(allocator.code()).isEqualTo(2);
    assertThat(allocator.err())
        .isEqualTo(
            "gainstream: GAINSTREAM_ALLOCATOR must be auto, tcmalloc, jemalloc or glibc, not 'mimalloc'");
    Sourced kernels = source(Map.of("GAINSTREAM_TORCH_KERNELS", "fast"));
    assertThat(kernels.code()).isEqualTo(2);
    assertThat(kernels.err())
        .isEqualTo("gainstream: GAINSTREAM_TORCH_KERNELS must be fused or composite, not 'fast'");
  }
}
