package io.gainstream.services.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker's two listeners never share a port (a run once failed to start so). */
class EmbeddedKafkaPortsTest {

  @Test
  void shouldNeverHandOutOnePortTwice() throws IOException {
    for (int i = 0; i < 2000; i++) {
      int[] p = EmbeddedKafka.freePorts(2);
      assertThat(p[0]).as("probe %d", i).isNotEqualTo(p[1]).isPositive();
      assertThat(p[1]).isPositive();
    }
  }

  @Test
  void shouldHandOutPortsThatCanBeBound() throws IOException {
    int[] p = EmbeddedKafka.freePorts(2);
    try (ServerSocket a = new ServerSocket(p[0], 1, InetAddress.getByName("127.0.0.1"));
        ServerSocket b = new ServerSocket(p[1], 1, InetAddress.getByName("127.0.0.1"))) {
      assertThat(a.getLocalPort()).isNotEqualTo(b.getLocalPort());
    }
  }

  @Test
  void shouldReplaceAPortsFileThatNamesOnePortForBothListeners(@TempDir Path dir)
      throws IOException {
    Properties bad = new Properties();
    bad.setProperty("broker", "34393");
    bad.setProperty("controller", "34393");
    Path f = dir.resolve("gainstream-ports.properties");
    try (OutputStream out = Files.newOutputStream(f)) {
      bad.store(out, null);
    }
    try (EmbeddedKafka broker = EmbeddedKafka.start(dir)) {
      Properties now = new Properties();
      try (InputStream in = Files.newInputStream(f)) {
        now.load(in);
      }
      assertThat(now.getProperty("broker")).isNotEqualTo(now.getProperty("controller"));
      assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + now.getProperty("broker"));
    }
  }
}
