package io.gainstream.model.input;

/** A pixel label that cannot be decoded, has the wrong size, or holds out-of-range class values. */
public class InvalidMaskException extends InvalidInputException {
  private static final long serialVersionUID = 1L;

  public InvalidMaskException(RejectReason reason, String message) {
    super(reason, message);
  }

  public InvalidMaskException(RejectReason reason, String message, Throwable cause) {
    super(reason, message, cause);
  }
}
