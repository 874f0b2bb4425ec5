package io.gainstream.model.input;

/**
 * An input the model core refuses, with a stable {@link RejectReason} and a message that names the
 * problem. Callers catch this one type to dead-letter a record instead of crashing deep inside DJL
 * or ONNX Runtime.
 */
public class InvalidInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final RejectReason reason;

  public InvalidInputException(RejectReason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public InvalidInputException(RejectReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }
}
