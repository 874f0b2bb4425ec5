package io.gainstream.cli;

import io.gainstream.services.kafka.EmbeddedKafka;
import io.gainstream.services.kafka.KafkaConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where Kafka is: a given cluster, or — without {@code --bootstrap-servers} — an embedded broker
 * whose data lives in the work directory, so separate commands share it.
 */
final class KafkaOptions {
  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
      description = "Kafka cluster to use. Without it, a single-node broker runs in-process (data under --work-dir).")
  String bootstrap;

  @Option(names = "--client-config", paramLabel = "FILE",
      description = "Kafka client properties (security.protocol, sasl.*, ssl.*, ...) applied to every client.")
  Path clientConfig;

  @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = "gainstream-work",
      description = "Embedded broker data and local state. Default: ${DEFAULT-VALUE}.")
  Path workDir;

  /** A connection plus the broker to stop at the end, if this process started one. */
  record Cluster(KafkaConnection connection, EmbeddedKafka embedded) implements AutoCloseable {
    @Override
    public void close() {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  Cluster open() {
    if (clientConfig != null && !Files.isReadable(clientConfig)) {
      throw new UserError("--client-config " + clientConfig + " is not a readable file");
    }
    try {
      if (bootstrap != null) {
        return new Cluster(KafkaConnection.of(bootstrap, clientConfig), null);
      }
      EmbeddedKafka k = EmbeddedKafka.start(workDir.resolve("kafka"));
      return new Cluster(KafkaConnection.of(k.bootstrapServers(), clientConfig), k);
    } catch (IOException e) {
      throw new UserError("cannot read --client-config " + clientConfig + ": " + e.getMessage());
    }
  }
}
