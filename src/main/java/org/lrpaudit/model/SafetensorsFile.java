package org.lrpaudit.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads tensors from a .safetensors file into float32, widening F16, BF16 and F64 in Java. Why our own reader: DJL's decoder
 * holds the whole file in one byte[] (fails above 2 GB) and hands BF16 to libtorch, which crashes the JVM on this build.
 * Each tensor is read on its own from the file channel, so peak heap is one tensor, not the file.
 */
public final class SafetensorsFile implements TensorSource {
  /** One tensor's place in the file. */
  public record Entry(String name, String dtype, long[] shape, long begin, long end) {
    public long numel() {
      return FileLimits.numel(shape, "tensor '" + name + "'");
    }
  }

  private static final long MAX_HEADER = 100L << 20;
  /** Bytes read at a time (a multiple of every dtype's width). */
  private static final int CHUNK_BYTES = 1 << 24;
  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, Entry> entries;

  private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, Entry> entries) {
    this.path = path;
    this.channel = channel;
    this.dataStart = dataStart;
    this.entries = entries;
  }

  public static SafetensorsFile open(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new CheckpointException("model.safetensors not found: " + path);
    }
    FileChannel ch = null;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ);
      long size = ch.size();
      if (size < 8) {
        throw new CheckpointException(path + ": not a safetensors file (" + size + " bytes, shorter than its header)");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long headerLen = lenBuf.flip().getLong();
      if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
        throw new CheckpointException(path + ": not a safetensors file (header length " + headerLen
            + " does not fit a file of " + size + " bytes; is it truncated, or a pickle?)");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLen);
      readFully(ch, header, 8);
      JsonNode root = new ObjectMapper().readTree(header.array());
      long dataStart = 8 + headerLen;
      Map<String, Entry> entries = parseHeader(path, root, size - dataStart);
      return new SafetensorsFile(path, ch, dataStart, entries);
    } catch (IOException e) {
      closeQuietly(ch);
      throw new CheckpointException(path + ": cannot read safetensors header (" + e.getMessage() + ")", e);
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  private static Map<String, Entry> parseHeader(Path path, JsonNode root, long dataSize) {
    if (root == null || !root.isObject()) {
      throw new CheckpointException(path + ": safetensors header is not a JSON object");
    }
    Map<String, Entry> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getKey().equals("__metadata__")) {
        continue;
      }
      JsonNode t = f.getValue();
      JsonNode shapeNode = t.get("shape");
      JsonNode offsets = t.get("data_offsets");
      if (!t.hasNonNull("dtype") || shapeNode == null || offsets == null || offsets.size() != 2) {
        throw new CheckpointException(path + ": tensor '" + f.getKey() + "' has an incomplete header entry");
      }
      String what = path + ": tensor '" + f.getKey() + "'";
      if (!shapeNode.isArray() || shapeNode.size() > FileLimits.MAX_RANK) {
        throw new CheckpointException(what + " has shape " + abbreviate(shapeNode.toString()) + "; expected a list of at "
            + "most " + FileLimits.MAX_RANK + " dimensions");
      }
      long[] shape = new long[shapeNode.size()];
      for (int i = 0; i < shape.length; i++) {
        JsonNode d = shapeNode.get(i);
        if (!d.isIntegralNumber() || !d.canConvertToLong()) {
          throw new CheckpointException(what + " has a dimension that is not an integer: " + d);
        }
        shape[i] = d.asLong();
      }
      FileLimits.numel(shape, what); // non-negative dimensions whose product fits a long
      Entry e = new Entry(f.getKey(), t.get("dtype").asText(), shape, offsets.get(0).asLong(), offsets.get(1).asLong());
      if (e.begin < 0 || e.end < e.begin || e.end > dataSize) {
        throw new CheckpointException(path + ": tensor '" + e.name + "' lies outside the file (offsets "
            + e.begin + ".." + e.end + ", data size " + dataSize + "; the file may be truncated)");
      }
      out.put(e.name, e);
    }
    return out;
  }

  public Path path() {
    return path;
  }

  @Override
  public String where() {
    return path.toString();
  }

  public Set<String> names() {
    return entries.keySet();
  }

  public Entry entry(String name) {
    return entries.get(name);
  }

  /** The tensor's values as float32, row-major. */
  public float[] readFloats(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      throw new CheckpointException(path + ": tensor '" + name + "' is missing");
    }
    int width = switch (e.dtype) {
      case "F32" -> 4;
      case "F16", "BF16" -> 2;
      case "F64" -> 8;
      default -> throw new CheckpointException(path + ": tensor '" + name + "' has dtype " + e.dtype
          + "; weights must be F32, F16, BF16 or F64");
    };
    String what = path + ": tensor '" + name + "'";
    long numel = FileLimits.numel(e.shape, what);
    // Both bounded before allocating: the bytes stored and the float32 array they widen to.
    long bytes = FileLimits.tensorBytes(numel, width, what);
    FileLimits.tensorBytes(numel, 4, what);
    if (bytes != e.end - e.begin) {
      throw new CheckpointException(what + " has shape " + Arrays.toString(e.shape) + " of " + e.dtype + " (" + bytes
          + " bytes) but stores " + (e.end - e.begin) + " bytes");
    }
    float[] out = new float[(int) numel];
    // Read in chunks, so peak heap is the float array and one chunk, not twice the tensor.
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(bytes, CHUNK_BYTES)).order(ByteOrder.LITTLE_ENDIAN);
    int i = 0;
    for (long done = 0; done < bytes; ) {
      buf.clear().limit((int) Math.min(buf.capacity(), bytes - done));
      try {
        readFully(channel, buf, dataStart + e.begin + done);
      } catch (IOException ex) {
        throw new CheckpointException(path + ": cannot read tensor '" + name + "' (" + ex.getMessage() + ")", ex);
      }
      done += buf.position();
      buf.flip();
      switch (e.dtype) {
        case "F32" -> {
          int n = buf.remaining() / 4;
          buf.asFloatBuffer().get(out, i, n);
          i += n;
        }
        case "F64" -> {
          while (buf.hasRemaining()) {
            out[i++] = (float) buf.getDouble();
          }
        }
        case "BF16" -> {
          while (buf.hasRemaining()) {
            out[i++] = Float.intBitsToFloat((buf.getShort() & 0xffff) << 16);
          }
        }
        default -> {
          while (buf.hasRemaining()) {
            out[i++] = halfToFloat(buf.getShort());
          }
        }
      }
    }
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }

  /** IEEE 754 binary16 to binary32 (Java 17 has no Float.float16ToFloat). */
  public static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      float v = mant * 0x1p-24f; // subnormal: mant * 2^-24, exact in float32
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file at byte " + pos);
      }
      pos += n;
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // nothing to save: we are already reporting the first failure
      }
    }
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }
}
