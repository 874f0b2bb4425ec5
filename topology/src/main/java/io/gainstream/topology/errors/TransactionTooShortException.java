package io.gainstream.topology.errors;

/**
 * Not even one image can be labelled within the transaction timeout: retrying would abort the same
 * transaction forever, so the pipeline stops with this one-line reason instead of looping. Not a
 * record's fault, so it is never dead-lettered.
 */
public final class TransactionTooShortException extends RuntimeException {
  public TransactionTooShortException(String message) {
    super(message);
  }

  /** The exception itself when {@code e} or one of its causes is one, otherwise null. */
  public static TransactionTooShortException in(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TransactionTooShortException x) {
        return x;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
