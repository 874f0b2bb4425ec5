package io.gainstream.topology;

import org.apache.kafka.common.serialization.Serde;

/**
 * A typed topic: its name and the serdes of its keys and values, in one immutable value, so no code
 * relies on default serdes.
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {}
