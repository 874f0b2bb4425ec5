package io.gainstream.services.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real broker per test class ({@link TestKafka}: Testcontainers' Kafka where a Docker engine
 * runs, the embedded KRaft broker otherwise), started before the first test and stopped after the
 * last: {@code @RegisterExtension static final BrokerExtension kafka = new BrokerExtension();}.
 */
public final class BrokerExtension implements BeforeAllCallback, AfterAllCallback {
  private TestKafka kafka;
  private Path dir;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "kafka-");
    kafka = TestKafka.start(dir);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (kafka != null) {
      kafka.close();
    }
    if (dir != null) {
      io.gainstream.services.label.LabelJob.deleteTree(dir);
    }
  }

  public KafkaConnection connection() {
    return kafka.connection();
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }
}
