package io.gainstream.bench.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gainstream bench ...}: benchmark commands that print Markdown tables. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that print a table (medians of several runs).",
    subcommands = {
      BenchAffinityCommand.class,
      BenchFusionCommand.class,
      BenchModelCommand.class,
      BenchQualityCommand.class,
      BenchThroughputCommand.class
    })
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
