package io.gainstream.bench.model;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench model --runtimes}: the same benchmark once per native runtime — a memory allocator
 * and PyTorch's fused or composite activation kernels — in one invocation, with the training rows
 * side by side and each one's speed over the first runtime's. An allocator is chosen before the JVM
 * starts ({@code LD_PRELOAD}), so one process cannot try several: each run is a child started
 * through the {@code ./gainstream} launcher with {@code GAINSTREAM_ALLOCATOR} and {@code
 * GAINSTREAM_TORCH_KERNELS} set, so the choice is made by the same lines that make it for every
 * command ({@code bin/runtime-env}).
 */
public final class RuntimeComparison {
  /** What {@code GAINSTREAM_ALLOCATOR} accepts, besides auto. */
  public static final List<String> ALLOCATORS = List.of("glibc", "tcmalloc", "jemalloc");

  /** What {@code GAINSTREAM_TORCH_KERNELS} accepts. */
  public static final List<String> KERNELS = List.of("fused", "composite");

  /**
   * One child's runtime, written {@code allocator/kernels}.
   *
   * @param allocator one of {@link #ALLOCATORS}
   * @param kernels one of {@link #KERNELS}
   */
  public record Runtime(String allocator, String kernels) {
    /** Reads {@code allocator/kernels}; null when it is not one. */
    public static Runtime parse(String text) {
      String[] p = text.split("/");
      return p.length == 2 && ALLOCATORS.contains(p[0]) && KERNELS.contains(p[1])
          ? new Runtime(p[0], p[1])
          : null;
    }

    @Override
    public String toString() {
      return allocator + "/" + kernels;
    }
  }

  private static final Pattern ROW =
      Pattern.compile("^\\| (\\w+) \\| (\\d+) \\| ([\\d.]+) \\| [\\d.]+ \\| (\\d+) % \\|$");

  private final Path launcher;
  private final List<String> args;
  private final PrintStream out;

  /**
   * @param launcher the {@code ./gainstream} script
   * @param args the benchmark's own arguments ({@code bench model ...}) without {@code --runtimes}
   */
  public RuntimeComparison(Path launcher, List<String> args, PrintStream out) {
    this.launcher = launcher;
    this.args = List.copyOf(args);
    this.out = out;
  }

  /** One training row of one run: steps/s and the kernel's share of the CPU. */
  record Row(double stepsPerSecond, int systemPercent) {}

  public void run(List<Runtime> runtimes) throws IOException, InterruptedException {
    List<String> names = runtimes.stream().map(Runtime::toString).toList();
    Map<String, Map<String, Row>> byRuntime = new LinkedHashMap<>();
    for (Runtime r : runtimes) {
      out.printf("running bench model under %s ...%n", r);
      out.flush();
      String text = child(r);
      // every child's own tables too: the peer's, the inference rows
      out.print(text);
      Map<String, Row> rows = rows(text);
      if (rows.isEmpty()) {
        throw new IOException("bench model under " + r + " printed no training rows");
      }
      byRuntime.put(r.toString(), rows);
    }
    out.printf(
        "%n### Training steps by runtime, allocator/kernels (one invocation, each run a child"
            + " process)%n%n");
    StringBuilder head = new StringBuilder("| method | batch |");
    StringBuilder rule = new StringBuilder("|---|---:|");
    for (String a : names) {
      head.append(" ").append(a).append(" steps/s | system CPU |");
      rule.append("---:|---:|");
      if (!a.equals(names.get(0))) {
        head.append(" ").append(a).append(" / ").append(names.get(0)).append(" |");
        rule.append("---:|");
      }
    }
    out.println(head);
    out.println(rule);
    Map<String, Row> first = byRuntime.get(names.get(0));
    for (String key : first.keySet()) {
      StringBuilder line = new StringBuilder("| " + key.replace(" ", " | ") + " |");
      for (String a : names) {
        Row r = byRuntime.get(a).get(key);
        if (r == null) {
          line.append(" — | — |");
          continue;
        }
        line.append(String.format(" %.2f | %d %% |", r.stepsPerSecond(), r.systemPercent()));
        if (!a.equals(names.get(0))) {
          line.append(
              String.format(" %.2fx |", r.stepsPerSecond() / first.get(key).stepsPerSecond()));
        }
      }
      out.println(line);
    }
    out.println();
  }

  private String child(Runtime runtime) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(launcher.toString());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("GAINSTREAM_ALLOCATOR", runtime.allocator());
    pb.environment().put("GAINSTREAM_TORCH_KERNELS", runtime.kernels());
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    if (code != 0) {
      throw new IOException("bench model under " + runtime + " exited with " + code);
    }
    return text;
  }

  /** The training table's rows, keyed by "method batch". */
  static Map<String, Row> rows(String output) {
    Map<String, Row> rows = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      Matcher m = ROW.matcher(line.strip());
      if (m.matches()) {
        rows.put(
            m.group(1) + " " + m.group(2),
            new Row(Double.parseDouble(m.group(3)), Integer.parseInt(m.group(4))));
      }
    }
    return rows;
  }
}
