package io.gainstream.topology.errors;

import io.gainstream.proto.v1.DeadLetter;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams exception handlers (KIP-1034) that write a {@link DeadLetter} to the dead-letter
 * topic and continue. All three are set explicitly: some built-in handlers fail the task after
 * writing their own dead letter, and theirs would carry a different value format than ours. The
 * topic is {@code errors.dead.letter.queue.topic.name}.
 */
public final class DeadLetterHandlers {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandlers.class);

  private DeadLetterHandlers() {}

  private static String topic(Map<String, ?> configs) {
    Object t = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    if (t == null || t.toString().isBlank()) {
      throw new IllegalStateException(
          StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG
              + " must name the dead-letter topic");
    }
    return t.toString();
  }

  static ProducerRecord<byte[], byte[]> record(String dlq, byte[] key, DeadLetter letter) {
    return new ProducerRecord<>(dlq, key, letter.toByteArray());
  }

  private static String describe(Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = e.getMessage();
    return root == e ? String.valueOf(m) : m + " (cause: " + root + ")";
  }

  /** Values (or keys) that do not deserialize: {@code NOT_PROTOBUF}. */
  public static final class Deserialization implements DeserializationExceptionHandler {
    private String dlq;

    @Override
    public void configure(Map<String, ?> configs) {
      dlq = topic(configs);
    }

    @Override
    public Response handleError(
        ErrorHandlerContext ctx, ConsumerRecord<byte[], byte[]> record, Exception e) {
      LOG.warn(
          "dead-lettering undeserializable record {}-{}@{}: {}",
          ctx.topic(),
          ctx.partition(),
          ctx.offset(),
          e.getMessage());
      DeadLetter letter =
          DeadLetters.of(
              record.key(),
              record.value(),
              "deserialize",
              DeadLetters.NOT_PROTOBUF,
              describe(e),
              ctx.topic(),
              ctx.partition(),
              ctx.offset(),
              ctx.timestamp());
      return Response.resume(List.of(record(dlq, record.key(), letter)));
    }
  }

  /** Exceptions a processor did not handle itself: {@code PROCESSING_FAILED}. */
  public static final class Processing implements ProcessingExceptionHandler {
    private String dlq;

    @Override
    public void configure(Map<String, ?> configs) {
      dlq = topic(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext ctx, Record<?, ?> record, Exception e) {
      if (TransactionTooShortException.in(e) != null) {
        return Response.fail(); // no record's fault: the pipeline stops with its reason
      }
      LOG.error(
          "dead-lettering record {}-{}@{} after an unexpected error in {}",
          ctx.topic(),
          ctx.partition(),
          ctx.offset(),
          ctx.processorNodeId(),
          e);
      DeadLetter letter =
          DeadLetters.of(
              ctx.sourceRawKey(),
              ctx.sourceRawValue(),
              ctx.processorNodeId(),
              DeadLetters.PROCESSING_FAILED,
              describe(e),
              ctx.topic(),
              ctx.partition(),
              ctx.offset(),
              ctx.timestamp());
      return Response.resume(List.of(record(dlq, ctx.sourceRawKey(), letter)));
    }
  }

  /**
   * Output the broker refused (e.g. over its size limit) or that did not serialize: {@code
   * PRODUCE_FAILED}.
   */
  public static final class Production implements ProductionExceptionHandler {
    private String dlq;

    @Override
    public void configure(Map<String, ?> configs) {
      dlq = topic(configs);
    }

    @Override
    public Response handleError(
        ErrorHandlerContext ctx, ProducerRecord<byte[], byte[]> record, Exception e) {
      if (dlq.equals(record.topic())) {
        LOG.error("a dead letter itself could not be written to {}: {}", dlq, e.getMessage());
        return Response.fail();
      }
      LOG.warn(
          "dead-lettering output to {} that could not be produced: {}",
          record.topic(),
          e.getMessage());
      DeadLetter letter =
          DeadLetters.of(
              ctx.sourceRawKey(),
              ctx.sourceRawValue(),
              "produce:" + record.topic(),
              DeadLetters.PRODUCE_FAILED,
              describe(e),
              ctx.topic(),
              ctx.partition(),
              ctx.offset(),
              ctx.timestamp());
      return Response.resume(List.of(record(dlq, record.key(), letter)));
    }

    @Override
    public Response handleSerializationError(
        ErrorHandlerContext ctx,
        ProducerRecord record,
        Exception e,
        SerializationExceptionOrigin origin) {
      LOG.warn(
          "dead-lettering output to {} that could not be serialized: {}",
          record.topic(),
          e.getMessage());
      DeadLetter letter =
          DeadLetters.of(
              ctx.sourceRawKey(),
              ctx.sourceRawValue(),
              "serialize:" + record.topic(),
              DeadLetters.PRODUCE_FAILED,
              describe(e),
              ctx.topic(),
              ctx.partition(),
              ctx.offset(),
              ctx.timestamp());
      return Response.resume(List.of(record(dlq, ctx.sourceRawKey(), letter)));
    }
  }
}
