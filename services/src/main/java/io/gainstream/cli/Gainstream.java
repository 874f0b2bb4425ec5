package io.gainstream.cli;

import io.gainstream.topology.errors.TransactionTooShortException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The {@code gainstream} command. Each subcommand is a thin wiring of configuration to the model
 * core; errors a user can fix print one line and exit non-zero instead of a stack trace.
 */
@Command(
    name = "gainstream",
    mixinStandardHelpOptions = true,
    version = "gainstream 0.1.0",
    description = "Turns image-level labels into pixel-level proxy segmentation labels with GAIN.",
    subcommands = {
      LabelCommand.class,
      DemoCommand.class,
      PublishCommand.class,
      ExportCommand.class,
      PipelineCommand.class,
      TrainerCommand.class,
      DashboardCommand.class,
      BrokerCommand.class,
      HelpCommand.class
    })
public final class Gainstream implements Runnable {
  /** Exit code for arguments the user must fix. */
  public static final int USAGE = 2;

  /** Exit code for a run that failed. */
  public static final int FAILED = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description =
          "Show the log lines of the broker, Kafka and the runtimes on the console too (they always go to the log file).")
  void verbose(boolean on) {
    if (on) {
      Logs.verbose();
    }
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code (tests call this). */
  public static int execute(String... args) {
    NativeRuntime.configure();
    CommandLine cl = new CommandLine(new Gainstream());
    for (Extension e : ServiceLoader.load(Extension.class)) {
      cl.addSubcommand(e.name(), e.command());
    }
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          CommandLine c = ex.getCommandLine();
          c.getErr()
              .println(
                  "gainstream: "
                      + ex.getMessage()
                      + " (see '"
                      + c.getCommandSpec().qualifiedName()
                      + " --help')");
          return USAGE;
        });
    cl.setExecutionExceptionHandler(
        (ex, c, parsed) -> {
          if (ex instanceof UserError || ex instanceof IllegalArgumentException) {
            c.getErr().println("gainstream: " + ex.getMessage());
            return ex instanceof UserError u ? u.exitCode() : USAGE;
          }
          if (ex instanceof IOException
              || ex instanceof UncheckedIOException
              || ex instanceof TransactionTooShortException) {
            c.getErr().println("gainstream: " + ex.getMessage());
            return FAILED;
          }
          throw ex;
        });
    return cl.execute(args);
  }
}
