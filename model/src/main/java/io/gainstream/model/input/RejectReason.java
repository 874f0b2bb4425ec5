package io.gainstream.model.input;

/**
 * Why an input was refused. The codes are stable: dead letters and reports carry them, and users
 * filter on them.
 */
public enum RejectReason {
  IMAGE_EMPTY,
  IMAGE_TOO_LARGE,
  IMAGE_UNDECODABLE,
  IMAGE_ZERO_SIZE,
  UNKNOWN_CLASS,
  MASK_UNDECODABLE,
  MASK_NOT_SINGLE_CHANNEL,
  MASK_WRONG_SIZE,
  MASK_VALUE_OUT_OF_RANGE
}
