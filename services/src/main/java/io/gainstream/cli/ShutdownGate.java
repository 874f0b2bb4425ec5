package io.gainstream.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C for long-running commands: the signal runs the command's stop action, and the JVM then
 * waits (up to 90 s) until the command has closed everything it opened — streams, trainer, the
 * embedded broker — so a stop is always clean. Open it first, so it closes last.
 */
final class ShutdownGate implements AutoCloseable {
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile Runnable stop = () -> {};

  ShutdownGate() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::onSignal, "gainstream-shutdown"));
  }

  /** What a signal should do to make the command return. */
  void onSignal(Runnable action) {
    this.stop = action;
  }

  /** Blocks until the signal, for a command whose services run on threads of their own. */
  void awaitSignal() throws InterruptedException {
    CountDownLatch signalled = new CountDownLatch(1);
    onSignal(signalled::countDown);
    signalled.await();
  }

  private void onSignal() {
    stop.run();
    try {
      closed.await(90, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed.countDown();
  }
}
