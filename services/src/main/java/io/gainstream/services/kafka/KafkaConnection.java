package io.gainstream.services.kafka;

import io.gainstream.topology.StreamsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How this process reaches Kafka: the bootstrap servers plus the user's client properties (SASL/SSL
 * and anything else), applied to every client the process creates — producers, consumers, admin
 * clients and Kafka Streams alike.
 */
public record KafkaConnection(String bootstrapServers, Map<String, Object> clientProperties) {
  public KafkaConnection {
    clientProperties = Map.copyOf(clientProperties);
  }

  public static KafkaConnection of(String bootstrap) {
    return new KafkaConnection(bootstrap, Map.of());
  }

  /** Reads a client-properties file (e.g. {@code security.protocol}, {@code sasl.jaas.config}). */
  public static KafkaConnection of(String bootstrap, Path clientConfig) throws IOException {
    Map<String, Object> m = new HashMap<>();
    if (clientConfig != null) {
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(clientConfig)) {
        p.load(in);
      }
      p.forEach((k, v) -> m.put(k.toString(), v.toString()));
    }
    return new KafkaConnection(bootstrap, m);
  }

  /** The settings every client gets: user properties, then the bootstrap servers. */
  public Map<String, Object> common() {
    Map<String, Object> m = new HashMap<>(clientProperties);
    m.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return m;
  }

  public Map<String, Object> producer() {
    Map<String, Object> m = common();
    m.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    m.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    m.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    m.put(ProducerConfig.ACKS_CONFIG, "all");
    m.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, StreamsSettings.MAX_RECORD_BYTES);
    // payloads are PNG/JPEG and ONNX weights: compressing them again costs CPU and saves nothing
    m.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    m.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return m;
  }

  /** A consumer that sees only committed records (the pipeline writes transactionally). */
  public Map<String, Object> consumer(String groupId) {
    Map<String, Object> m = common();
    if (groupId != null) {
      m.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    }
    m.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    m.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    m.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    m.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    m.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, StreamsSettings.MAX_RECORD_BYTES);
    m.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, StreamsSettings.MAX_RECORD_BYTES);
    return m;
  }

  public Admin admin() {
    return Admin.create(common());
  }
}
