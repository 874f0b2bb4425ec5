package io.gainstream.cli;

import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.kafka.SharedBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where Kafka is: a given cluster, or — without {@code --bootstrap-servers} — the embedded broker
 * of the work directory, a process of its own that the first command starts and every other command
 * on that directory joins ({@link SharedBroker}).
 */
final class KafkaOptions {
  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT[,...]",
      description =
          "Kafka cluster to use. Without it, the work directory's embedded broker (data under --work-dir), started in the "
              + "background by the first command and shared by the others.")
  String bootstrap;

  @Option(
      names = "--client-config",
      paramLabel = "FILE",
      description =
          "Kafka client properties (security.protocol, sasl.*, ssl.*, ...) applied to every client.")
  Path clientConfig;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      defaultValue = "gainstream-work",
      description = "Embedded broker data and local state. Default: ${DEFAULT-VALUE}.")
  Path workDir;

  /**
   * The connection to the given cluster, or to the work directory's broker (started when none
   * runs). Nothing to close: the embedded broker is shared and outlives the command.
   */
  KafkaConnection open() {
    if (clientConfig != null && !Files.isReadable(clientConfig)) {
      throw new UserError("--client-config " + clientConfig + " is not a readable file");
    }
    try {
      KafkaConnection c;
      if (bootstrap != null) {
        c = KafkaConnection.of(bootstrap, clientConfig);
      } else {
        Path dir = workDir.toAbsolutePath();
        String address =
            SharedBroker.joinOrStart(
                dir.resolve("kafka"), brokerCommand(dir), Duration.ofMinutes(2));
        c = KafkaConnection.of(address, clientConfig);
      }
      Logs.toFile(workDir); // after every argument has been accepted: an error stays one line
      return c;
    } catch (IOException e) {
      throw new UserError("cannot read --client-config " + clientConfig + ": " + e.getMessage());
    }
  }

  /**
   * {@code gainstream broker} for {@code dir} in a session of its own ({@code setsid}: Ctrl-C in
   * this terminal does not reach it), on this JVM and class path.
   */
  private static List<String> brokerCommand(Path dir) {
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid");
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of(
            "-Xmx1g",
            "-XX:+UseParallelGC",
            "-cp",
            System.getProperty("java.class.path"),
            Gainstream.class.getName(),
            "broker",
            "--work-dir",
            dir.toString()));
    return cmd;
  }
}
