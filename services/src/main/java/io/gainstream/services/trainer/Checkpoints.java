package io.gainstream.services.trainer;

import io.gainstream.model.onnx.InvalidModelException;
import io.gainstream.model.onnx.OnnxImporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Release checkpoints on local disk: {@code model-v<version>.onnx} with a SHA-256 sidecar, written
 * atomically. Reading picks the newest checkpoint whose checksum and ONNX metadata are intact; a
 * corrupt or truncated one is skipped with a log line, never loaded.
 */
public final class Checkpoints {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

  /** A checkpoint that passed its checks. */
  public record Checkpoint(long version, byte[] onnx, Path file) {}

  private final Path dir;

  public Checkpoints(Path dir) {
    this.dir = dir;
  }

  public Path write(long version, byte[] onnx) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(String.format("model-v%010d.onnx", version));
      Path tmp = dir.resolve(file.getFileName() + ".tmp");
      Files.write(tmp, onnx);
      Files.writeString(
          dir.resolve(file.getFileName() + ".sha256"), sha256(onnx), StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint to " + dir, e);
    }
  }

  /** The newest intact checkpoint, if any. */
  public Optional<Checkpoint> newest() {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(p -> p.getFileName().toString().matches("model-v\\d+\\.onnx")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int i = files.size() - 1; i >= 0; i--) {
      Path f = files.get(i);
      long version = Long.parseLong(f.getFileName().toString().replaceAll("\\D", ""));
      try {
        byte[] onnx = Files.readAllBytes(f);
        Path sum = dir.resolve(f.getFileName() + ".sha256");
        if (!Files.exists(sum)) {
          LOG.warn("skipping checkpoint {}: no checksum file", f);
          continue;
        }
        if (!Files.readString(sum, StandardCharsets.US_ASCII).trim().equals(sha256(onnx))) {
          LOG.warn("skipping checkpoint {}: checksum mismatch (corrupt or truncated)", f);
          continue;
        }
        long inFile = OnnxImporter.readInfo(onnx).version();
        if (inFile != version) {
          LOG.warn("skipping checkpoint {}: it holds version {}", f, inFile);
          continue;
        }
        return Optional.of(new Checkpoint(version, onnx, f));
      } catch (IOException | InvalidModelException e) {
        LOG.warn("skipping checkpoint {}: {}", f, e.getMessage());
      }
    }
    return Optional.empty();
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
