package io.gainstream.topology.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.proto.v1.DeadLetter;
import io.gainstream.proto.v1.ImageEvent;
import io.gainstream.topology.ProtoSerde;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

/**
 * The three handlers write our DeadLetter format to the configured topic and let processing go on.
 */
class DeadLetterHandlersTest {
  private static final Map<String, Object> CONFIG =
      Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "dlq");
  private static final byte[] KEY = "img-1".getBytes(StandardCharsets.UTF_8);
  private static final byte[] VALUE = {(byte) 0xff, 1, 2, 3};

  private static ErrorHandlerContext context() {
    return new ErrorHandlerContext() {
      public String topic() {
        return "images";
      }

      public int partition() {
        return 2;
      }

      public long offset() {
        return 41;
      }

      public org.apache.kafka.common.header.Headers headers() {
        return new RecordHeaders();
      }

      public String processorNodeId() {
        return "images-source";
      }

      public TaskId taskId() {
        return new TaskId(0, 2);
      }

      public long timestamp() {
        return 1234;
      }

      public byte[] sourceRawKey() {
        return KEY;
      }

      public byte[] sourceRawValue() {
        return VALUE;
      }
    };
  }

  @Test
  void shouldDeadLetterValuesThatAreNotProtobufAndResume() throws Exception {
    Exception cause;
    try {
      ProtoSerde.of(ImageEvent.parser()).deserializer().deserialize("images", VALUE);
      throw new AssertionError("bytes parsed");
    } catch (org.apache.kafka.common.errors.SerializationException e) {
      cause = e;
    }
    DeadLetterHandlers.Deserialization h = new DeadLetterHandlers.Deserialization();
    h.configure(CONFIG);
    DeserializationExceptionHandler.Response r =
        h.handleError(context(), new ConsumerRecord<>("images", 2, 41, KEY, VALUE), cause);
    assertThat(r.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
    assertThat(r.deadLetterQueueRecords()).hasSize(1);
    ProducerRecord<byte[], byte[]> rec = r.deadLetterQueueRecords().get(0);
    assertThat(rec.topic()).isEqualTo("dlq");
    DeadLetter d = DeadLetter.parseFrom(rec.value());
    assertThat(d.getReason()).isEqualTo("NOT_PROTOBUF");
    assertThat(d.getOriginalValue().toByteArray()).isEqualTo(VALUE);
    assertThat(d.getOriginalKey().toStringUtf8()).isEqualTo("img-1");
    assertThat(d.getTopic()).isEqualTo("images");
    assertThat(d.getPartition()).isEqualTo(2);
    assertThat(d.getOffset()).isEqualTo(41);
    assertThat(d.getDetail()).contains("not valid Protobuf");
  }

  @Test
  void shouldDeadLetterOutputTheBrokerRefusesButFailOnAFailingDeadLetter() throws Exception {
    DeadLetterHandlers.Production h = new DeadLetterHandlers.Production();
    h.configure(CONFIG);
    ProductionExceptionHandler.Response r =
        h.handleError(
            context(),
            new ProducerRecord<>("proxy-labels", KEY, new byte[10]),
            new RecordTooLargeException("too big"));
    assertThat(r.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
    DeadLetter d = DeadLetter.parseFrom(r.deadLetterQueueRecords().get(0).value());
    assertThat(d.getReason()).isEqualTo("PRODUCE_FAILED");
    assertThat(d.getStage()).isEqualTo("produce:proxy-labels");
    assertThat(d.getDetail()).contains("too big");

    ProductionExceptionHandler.Response loop =
        h.handleError(
            context(),
            new ProducerRecord<>("dlq", KEY, new byte[10]),
            new RecordTooLargeException("x"));
    assertThat(loop.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
  }

  @Test
  void shouldDeadLetterUnexpectedProcessingErrors() throws Exception {
    DeadLetterHandlers.Processing h = new DeadLetterHandlers.Processing();
    h.configure(CONFIG);
    var r =
        h.handleError(
            context(),
            new org.apache.kafka.streams.processor.api.Record<>("k", "v", 1L),
            new IllegalStateException("boom"));
    assertThat(r.result())
        .isEqualTo(org.apache.kafka.streams.errors.ProcessingExceptionHandler.Result.RESUME);
    DeadLetter d = DeadLetter.parseFrom(r.deadLetterQueueRecords().get(0).value());
    assertThat(d.getReason()).isEqualTo("PROCESSING_FAILED");
    assertThat(d.getStage()).isEqualTo("images-source");
    assertThat(d.getDetail()).contains("boom");
  }
}
