package io.gainstream.services.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-only HTTP endpoint (metrics, dashboard) on the JDK's built-in server: GET only, a fixed
 * set of paths, no request body read, and bound to 127.0.0.1 unless the user names another address,
 * so nothing is exposed by accident.
 */
public final class HttpEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoint.class);
  public static final String LOCALHOST = "127.0.0.1";

  /** A response body and its content type. */
  public record Body(String contentType, byte[] bytes) {}

  private final HttpServer server;

  private HttpEndpoint(HttpServer server) {
    this.server = server;
  }

  /**
   * @param bind address to listen on (127.0.0.1 by default in every command)
   * @param port port, 0 for any free one
   * @param routes path → body, computed per request
   */
  public static HttpEndpoint start(String bind, int port, Map<String, Supplier<Body>> routes) {
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress(bind, port), 16);
      s.createContext("/", ex -> handle(ex, routes));
      s.setExecutor(
          Executors.newFixedThreadPool(
              2,
              r -> {
                Thread t = new Thread(r, "http-" + port);
                t.setDaemon(true);
                return t;
              }));
      s.start();
      HttpEndpoint e = new HttpEndpoint(s);
      LOG.info("serving {} on http://{}:{}/", routes.keySet(), bind, e.port());
      return e;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
    }
  }

  private static void handle(HttpExchange ex, Map<String, Supplier<Body>> routes)
      throws IOException {
    try (ex) {
      if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
        send(ex, 405, new Body("text/plain; charset=utf-8", "GET only\n".getBytes()));
        return;
      }
      Supplier<Body> route = routes.get(ex.getRequestURI().getPath());
      if (route == null) {
        send(ex, 404, new Body("text/plain; charset=utf-8", "not found\n".getBytes()));
        return;
      }
      Body b;
      try {
        b = route.get();
      } catch (RuntimeException e) {
        LOG.warn("{} failed: {}", ex.getRequestURI(), e.toString());
        send(ex, 500, new Body("text/plain; charset=utf-8", "internal error\n".getBytes()));
        return;
      }
      send(ex, 200, b);
    }
  }

  private static void send(HttpExchange ex, int status, Body b) throws IOException {
    ex.getResponseHeaders().set("Content-Type", b.contentType());
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(status, head ? -1 : b.bytes().length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b.bytes());
      }
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String host() {
    return server.getAddress().getAddress().getHostAddress();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
