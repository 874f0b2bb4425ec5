package io.gainstream.topology;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde of one Protobuf message type. Bytes that do not parse raise a {@link
 * SerializationException}, which the deserialization handler turns into a dead letter.
 */
public final class ProtoSerde {
  private ProtoSerde() {}

  public static <T extends Message> Serde<T> of(Parser<T> parser) {
    Serializer<T> ser = (topic, value) -> value == null ? null : value.toByteArray();
    Deserializer<T> de =
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          try {
            return parser.parseFrom(bytes);
          } catch (InvalidProtocolBufferException e) {
            throw new SerializationException(
                "value on " + topic + " is not valid Protobuf: " + e.getMessage(), e);
          }
        };
    return Serdes.serdeFrom(ser, de);
  }
}
