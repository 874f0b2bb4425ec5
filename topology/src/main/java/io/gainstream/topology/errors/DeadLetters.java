package io.gainstream.topology.errors;

import com.google.protobuf.ByteString;
import io.gainstream.proto.v1.DeadLetter;
import java.nio.charset.StandardCharsets;

/**
 * Builds dead letters: the original record kept whole (up to a size cap), the stage that refused
 * it, a stable reason code, a human-readable detail, and where it came from.
 */
public final class DeadLetters {
  /** Original values above this are not copied into the dead letter (it would be refused too). */
  public static final int MAX_ORIGINAL_VALUE_BYTES = 8 << 20;

  /** Reason codes raised by the pipeline itself (decoding problems use {@code RejectReason}). */
  public static final String NOT_PROTOBUF = "NOT_PROTOBUF";

  public static final String EMPTY_VALUE = "EMPTY_VALUE";
  public static final String MISSING_ID = "MISSING_ID";
  public static final String INFERENCE_FAILED = "INFERENCE_FAILED";
  public static final String LABELLING_FAILED = "LABELLING_FAILED";
  public static final String PRODUCE_FAILED = "PRODUCE_FAILED";
  public static final String PROCESSING_FAILED = "PROCESSING_FAILED";

  private DeadLetters() {}

  public static DeadLetter of(
      byte[] key,
      byte[] value,
      String stage,
      String reason,
      String detail,
      String topic,
      int partition,
      long offset,
      long timestampMs) {
    DeadLetter.Builder b =
        DeadLetter.newBuilder()
            .setStage(stage)
            .setReason(reason)
            .setDetail(detail == null ? "" : detail)
            .setTopic(topic == null ? "" : topic)
            .setPartition(partition)
            .setOffset(offset)
            .setTimestampMs(timestampMs);
    if (key != null) {
      b.setOriginalKey(ByteString.copyFrom(key));
    }
    if (value != null) {
      if (value.length <= MAX_ORIGINAL_VALUE_BYTES) {
        b.setOriginalValue(ByteString.copyFrom(value));
      } else {
        b.setDetail(b.getDetail() + " (original value of " + value.length + " bytes not copied)");
      }
    }
    return b.build();
  }

  public static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }
}
