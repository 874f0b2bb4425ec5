package io.gainstream.services.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.kafka.Replication;
import io.gainstream.services.pipeline.PipelineService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security basics: the client-properties file reaches every Kafka client a process creates, and no
 * class of the project deserialises Java objects.
 */
class SecurityTest {
  @TempDir Path tmp;

  private static final Map<String, String> SECURE =
      Map.of(
          "security.protocol", "SASL_SSL",
          "sasl.mechanism", "SCRAM-SHA-512",
          "sasl.jaas.config",
              "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";",
          "ssl.truststore.location", "/etc/kafka/truststore.jks",
          "ssl.truststore.password", "changeit");

  private static void assertSecure(String client, Map<String, Object> effective) {
    SECURE.forEach(
        (key, value) ->
            assertThat(String.valueOf(effective.get(key)))
                .as("%s of the %s", key, client)
                .isEqualTo(value));
  }

  @Test
  void shouldPassSecuritySettingsToEveryClient() throws Exception {
    StringBuilder props = new StringBuilder();
    SECURE.forEach(
        (k, v) -> props.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
    Path file = Files.writeString(tmp.resolve("client.properties"), props.toString());
    KafkaConnection k = KafkaConnection.of("broker:9093", file);

    // publisher, exporter, trainer and benchmark clients
    assertSecure("producer", k.producer());
    assertSecure("consumer", k.consumer("g"));
    assertSecure("admin client", k.common());

    // every client Kafka Streams creates for the pipeline
    StreamsConfig streams =
        new StreamsConfig(
            PipelineService.streamsProperties(
                k,
                Fixture.config("sec."),
                new PipelineService.Options("sec-app", tmp.resolve("state"), 2),
                new Replication((short) 3, 2)));
    assertSecure("stream producer", streams.getProducerConfigs("p"));
    assertSecure("stream main consumer", streams.getMainConsumerConfigs("g", "c", 0));
    assertSecure("stream restore consumer", streams.getRestoreConsumerConfigs("c"));
    assertSecure("stream global consumer", streams.getGlobalConsumerConfigs("c"));
    assertSecure("stream admin client", streams.getAdminConfigs("a"));
  }

  @Test
  void shouldNotDeserialiseJavaObjectsAnywhere() throws Exception {
    List<Path> offenders = new ArrayList<>();
    int classes = 0;
    for (String module : List.of("proto", "model", "topology", "services")) {
      Path dir = Path.of("..", module, "target", "classes");
      assertThat(dir).as("compiled classes of %s", module).isDirectory();
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
          classes++;
          String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
          if (bytes.contains("java/io/ObjectInputStream")) {
            offenders.add(f);
          }
        }
      }
    }
    assertThat(classes).isGreaterThan(100);
    assertThat(offenders).as("classes that use ObjectInputStream").isEmpty();
  }
}
