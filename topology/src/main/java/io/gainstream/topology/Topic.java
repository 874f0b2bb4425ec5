package io.gainstream.topology;

import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * A typed topic: its name and the serdes of its keys and values, in one immutable value, so no code
 * relies on default serdes and no producer writes hand-serialised bytes.
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
  /**
   * A producer that writes this topic's keys and values with its serdes (the serializer settings in
   * {@code config}, if any, are overridden by them).
   */
  public KafkaProducer<K, V> producer(Map<String, Object> config) {
    return new KafkaProducer<>(config, keySerde.serializer(), valueSerde.serializer());
  }

  /** A record for this topic. */
  public ProducerRecord<K, V> record(K key, V value) {
    return new ProducerRecord<>(name, key, value);
  }
}
