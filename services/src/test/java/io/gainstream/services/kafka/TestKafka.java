package io.gainstream.services.kafka;

import java.nio.file.Path;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A real broker for integration tests: Testcontainers' Kafka where a Docker engine runs, the
 * embedded KRaft broker otherwise (as on the project's CI machines, which have no engine).
 */
public final class TestKafka implements AutoCloseable {
  private final String bootstrap;
  private final AutoCloseable owner;

  private TestKafka(String bootstrap, AutoCloseable owner) {
    this.bootstrap = bootstrap;
    this.owner = owner;
  }

  public static TestKafka start(Path dataDir) {
    if (DockerClientFactory.instance().isDockerAvailable()) {
      KafkaContainer c = new KafkaContainer("apache/kafka:4.1.0");
      c.start();
      return new TestKafka(c.getBootstrapServers(), c);
    }
    EmbeddedKafka k = EmbeddedKafka.start(dataDir);
    return new TestKafka(k.bootstrapServers(), k);
  }

  public String bootstrapServers() {
    return bootstrap;
  }

  public KafkaConnection connection() {
    return KafkaConnection.of(bootstrap);
  }

  @Override
  public void close() throws Exception {
    owner.close();
  }
}
