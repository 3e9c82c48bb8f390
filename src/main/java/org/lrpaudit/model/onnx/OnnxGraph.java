package org.lrpaudit.model.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lrpaudit.model.CheckpointException;
import org.lrpaudit.model.FileLimits;
import org.lrpaudit.model.SafetensorsFile;

/**
 * The main graph of an ONNX model, read straight from the protobuf wire format with {@link CodedInputStream} (no generated
 * onnx classes exist on Maven Central). Only what an importer needs is kept: nodes with their attributes, initializers,
 * and the names of the graph's inputs and outputs. The file is memory-mapped and raw_data is not copied until a tensor's
 * values are asked for ({@link Tensor#floats}), so parsing itself costs little heap whatever the model's size.
 *
 * <p>Field numbers are those of onnx/onnx.proto: ModelProto.ir_version=1, graph=7; GraphProto.node=1, initializer=5,
 * sparse_initializer=15, input=11, output=12; NodeProto.input=1, output=2, name=3, op_type=4, attribute=5, domain=7;
 * AttributeProto.name=1, f=2, i=3, s=4, t=5, floats=7, ints=8; TensorProto.dims=1, data_type=2, segment=3, float_data=4,
 * int32_data=5, int64_data=7, name=8, raw_data=9, double_data=10, external_data=13, data_location=14; ValueInfoProto.name=1.
 */
public final class OnnxGraph {
  /** TensorProto.DataType values this reader converts. */
  public static final int FLOAT = 1;
  public static final int INT32 = 6;
  public static final int INT64 = 7;
  public static final int FLOAT16 = 10;
  public static final int DOUBLE = 11;
  public static final int BFLOAT16 = 16;

  /** One operator application. Absent optional inputs are empty strings, as ONNX writes them. */
  public record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
      Map<String, Attribute> attributes) {
    public String input(int i) {
      return i < inputs.size() ? inputs.get(i) : "";
    }

    public String output(int i) {
      return i < outputs.size() ? outputs.get(i) : "";
    }

    /** How error messages name the node: its name, or its op type and first output when it has none. */
    public String label() {
      return name.isEmpty() ? opType + " -> " + output(0) : name;
    }
  }

  /** A node attribute; only the fields set in the file are non-null. */
  public record Attribute(String name, Float f, Long i, byte[] s, Tensor t, float[] floats, long[] ints) {
    public String string() {
      return s == null ? null : new String(s, StandardCharsets.UTF_8);
    }
  }

  private final Path path;
  private final long irVersion;
  private final List<Node> nodes;
  private final Map<String, Tensor> initializers;
  private final List<String> inputs;
  private final List<String> outputs;
  private final Map<String, Node> producers = new HashMap<>();
  private final Map<String, List<Node>> consumers = new HashMap<>();

  private OnnxGraph(Path path, long irVersion, List<Node> nodes, Map<String, Tensor> initializers, List<String> inputs,
      List<String> outputs) {
    this.path = path;
    this.irVersion = irVersion;
    this.nodes = Collections.unmodifiableList(nodes);
    this.initializers = Collections.unmodifiableMap(initializers);
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    for (Node n : nodes) {
      for (String o : n.outputs()) {
        producers.put(o, n);
      }
      for (String i : n.inputs()) {
        if (!i.isEmpty()) {
          consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
        }
      }
    }
  }

  /**
   * Reads an .onnx file. Corrupt, truncated or non-ONNX files, external tensor data and files of 2 GB or more fail with a
   * {@link CheckpointException} naming the file.
   */
  public static OnnxGraph read(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new CheckpointException("ONNX file not found: " + path);
    }
    ByteBuffer buf;
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size == 0) {
        throw new CheckpointException(path + ": empty file, not an ONNX model");
      }
      if (size >= Integer.MAX_VALUE) {
        throw new CheckpointException(path + ": " + size + " bytes; a single ONNX protobuf cannot exceed 2 GB (models "
            + "that large keep their weights in external data files, which lrp-audit does not read)");
      }
      buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size); // stays valid after the channel closes
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + path + " (" + e.getMessage() + ")", e);
    }
    try {
      return new Parser(path, buf).model();
    } catch (InvalidProtocolBufferException e) {
      throw new CheckpointException(path + ": not a readable ONNX model; the protobuf is corrupt or the file is truncated ("
          + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + path + " (" + e.getMessage() + ")", e);
    }
  }

  public Path path() {
    return path;
  }

  public long irVersion() {
    return irVersion;
  }

  public List<Node> nodes() {
    return nodes;
  }

  public Map<String, Tensor> initializers() {
    return initializers;
  }

  public Tensor initializer(String name) {
    return initializers.get(name);
  }

  public List<String> inputs() {
    return inputs;
  }

  public List<String> outputs() {
    return outputs;
  }

  /** The node that computes a value, or null for graph inputs, initializers and unknown names. */
  public Node producer(String value) {
    return producers.get(value);
  }

  public List<Node> consumers(String value) {
    return consumers.getOrDefault(value, List.of());
  }

  /**
   * A value known without running the graph: an initializer, or the output of a Constant node (value, value_float,
   * value_int, value_ints). Null otherwise.
   */
  public Tensor constant(String value) {
    Tensor t = initializers.get(value);
    if (t != null) {
      return t;
    }
    Node n = producers.get(value);
    if (n == null || !n.opType().equals("Constant") || !n.domain().isEmpty()) {
      return null;
    }
    Attribute a = n.attributes().get("value");
    if (a != null && a.t() != null) {
      return a.t();
    }
    a = n.attributes().get("value_float");
    if (a != null && a.f() != null) {
      return Tensor.ofFloats(value, new long[0], new float[] {a.f()});
    }
    a = n.attributes().get("value_int");
    if (a != null && a.i() != null) {
      return Tensor.ofLongs(value, new long[0], new long[] {a.i()});
    }
    a = n.attributes().get("value_ints");
    if (a != null && a.ints() != null) {
      return Tensor.ofLongs(value, new long[] {a.ints().length}, a.ints());
    }
    return null;
  }

  /** A tensor stored in the model: dims, data type, and its values either as raw little-endian bytes or typed fields. */
  public static final class Tensor {
    private final String name;
    private final int dataType;
    private final long[] dims;
    private final ByteBuffer raw; // little-endian view into the mapped file, or null
    private final float[] floatData;
    private final long[] intData; // int32_data or int64_data, by data type
    private final double[] doubleData;

    Tensor(String name, int dataType, long[] dims, ByteBuffer raw, float[] floatData, long[] intData,
        double[] doubleData) {
      this.name = name;
      this.dataType = dataType;
      this.dims = dims;
      this.raw = raw;
      this.floatData = floatData;
      this.intData = intData;
      this.doubleData = doubleData;
    }

    static Tensor ofFloats(String name, long[] dims, float[] v) {
      return new Tensor(name, FLOAT, dims, null, v, null, null);
    }

    static Tensor ofLongs(String name, long[] dims, long[] v) {
      return new Tensor(name, INT64, dims, null, null, v, null);
    }

    public String name() {
      return name;
    }

    public int dataType() {
      return dataType;
    }

    public long[] dims() {
      return dims.clone();
    }

    public int rank() {
      return dims.length;
    }

    public long dim(int i) {
      return dims[i];
    }

    public boolean isFloatingPoint() {
      return dataType == FLOAT || dataType == FLOAT16 || dataType == BFLOAT16 || dataType == DOUBLE;
    }

    public long numel() {
      return FileLimits.numel(dims, "tensor '" + name + "'");
    }

    /** The values as float32, row-major, widening FLOAT16 and BFLOAT16 and narrowing DOUBLE. */
    public float[] floats() {
      int n = checkedNumel();
      float[] out = new float[n];
      switch (dataType) {
        case FLOAT -> {
          if (raw != null) {
            requireRawBytes(n, 4);
            raw.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
          } else {
            requireCount(floatData, n, "float_data");
            System.arraycopy(floatData, 0, out, 0, n);
          }
        }
        case FLOAT16, BFLOAT16 -> {
          boolean half = dataType == FLOAT16;
          if (raw != null) {
            requireRawBytes(n, 2);
            ByteBuffer b = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
              out[i] = widen(b.getShort(), half);
            }
          } else {
            requireCount(intData, n, "int32_data");
            for (int i = 0; i < n; i++) {
              out[i] = widen((short) intData[i], half); // 16-bit patterns stored in int32_data
            }
          }
        }
        case DOUBLE -> {
          if (raw != null) {
            requireRawBytes(n, 8);
            ByteBuffer b = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
              out[i] = (float) b.getDouble();
            }
          } else {
            requireCount(doubleData, n, "double_data");
            for (int i = 0; i < n; i++) {
              out[i] = (float) doubleData[i];
            }
          }
        }
        default -> throw new CheckpointException("tensor '" + name + "' has ONNX data type " + dataType
            + "; weights must be FLOAT (1), FLOAT16 (10), BFLOAT16 (16) or DOUBLE (11)");
      }
      return out;
    }

    /** The values of an integer tensor (INT64 or INT32). */
    public long[] longs() {
      int n = checkedNumel();
      long[] out = new long[n];
      if (dataType != INT64 && dataType != INT32) {
        throw new CheckpointException("tensor '" + name + "' has ONNX data type " + dataType + ", not an integer type");
      }
      if (raw != null) {
        int width = dataType == INT64 ? 8 : 4;
        requireRawBytes(n, width);
        ByteBuffer b = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
          out[i] = width == 8 ? b.getLong() : b.getInt();
        }
      } else {
        requireCount(intData, n, dataType == INT64 ? "int64_data" : "int32_data");
        System.arraycopy(intData, 0, out, 0, n);
      }
      return out;
    }

    /** The single value of a one-element floating-point tensor (a scalar or shape [1]), as double. */
    public double scalar() {
      if (numel() != 1) {
        throw new CheckpointException("tensor '" + name + "' has shape " + Arrays.toString(dims) + ", not a scalar");
      }
      return isFloatingPoint() ? floats()[0] : longs()[0];
    }

    private static float widen(short bits, boolean half) {
      return half ? SafetensorsFile.halfToFloat(bits) : Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    private int checkedNumel() {
      long n = numel();
      FileLimits.tensorBytes(n, 8, "tensor '" + name + "'"); // the widest array it becomes (long[] or float[])
      return (int) n;
    }

    private void requireRawBytes(int n, int width) {
      if ((long) n * width != raw.remaining()) {
        throw new CheckpointException("tensor '" + name + "' has shape " + Arrays.toString(dims) + " (" + (long) n * width
            + " bytes) but its raw_data holds " + raw.remaining() + " bytes");
      }
    }

    private void requireCount(Object values, int n, String field) {
      int have = values == null ? 0 : java.lang.reflect.Array.getLength(values);
      if (have != n) {
        throw new CheckpointException("tensor '" + name + "' has shape " + Arrays.toString(dims) + " (" + n
            + " values) but stores " + have + (values == null ? " (no raw_data and no " + field + ")" : " in " + field));
      }
    }
  }

  /** A recursive-descent reader over one CodedInputStream; positions are offsets into the mapped file. */
  private static final class Parser {
    /** Deepest nesting of protobuf groups skipped (protobuf-java's default recursion limit). */
    private static final int MAX_GROUP_DEPTH = 100;
    private final Path path;
    private final ByteBuffer file;
    private final CodedInputStream in;

    Parser(Path path, ByteBuffer file) {
      this.path = path;
      this.file = file;
      this.in = CodedInputStream.newInstance(file.duplicate());
      this.in.setSizeLimit(Integer.MAX_VALUE);
    }

    OnnxGraph model() throws IOException {
      long irVersion = -1;
      Parts graph = null;
      int tag;
      while ((tag = in.readTag()) != 0) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> {
            expect(tag, WireFormat.WIRETYPE_VARINT, "ModelProto.ir_version");
            irVersion = in.readInt64();
          }
          case 7 -> {
            expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "ModelProto.graph");
            if (graph != null) {
              throw new InvalidProtocolBufferException("ModelProto holds more than one graph field");
            }
            int old = enter();
            graph = graph();
            in.popLimit(old);
          }
          default -> skip(tag);
        }
      }
      if (graph == null || irVersion <= 0) {
        throw new CheckpointException(path + ": not an ONNX model (" + (graph == null
            ? "no graph (ModelProto field 7) found" : "no ir_version (ModelProto field 1)")
            + "; is the file complete and really .onnx?)");
      }
      return new OnnxGraph(path, irVersion, graph.nodes(), graph.initializers(), graph.inputs(), graph.outputs());
    }

    private record Parts(List<Node> nodes, Map<String, Tensor> initializers, List<String> inputs, List<String> outputs) {}

    private Parts graph() throws IOException {
      List<Node> nodes = new ArrayList<>();
      Map<String, Tensor> initializers = new LinkedHashMap<>();
      List<String> inputs = new ArrayList<>();
      List<String> outputs = new ArrayList<>();
      int tag;
      while ((tag = in.readTag()) != 0) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> nodes.add(message(tag, "GraphProto.node", this::node));
          case 5 -> {
            Tensor t = message(tag, "GraphProto.initializer", this::tensor);
            if (initializers.put(t.name(), t) != null) {
              throw new CheckpointException(path + ": two initializers are named '" + t.name() + "'");
            }
          }
          case 11 -> inputs.add(message(tag, "GraphProto.input", this::valueInfoName));
          case 12 -> outputs.add(message(tag, "GraphProto.output", this::valueInfoName));
          case 15 -> throw new CheckpointException(path + ": the graph holds sparse initializers, which lrp-audit does "
              + "not read (export with dense weights)");
          default -> skip(tag);
        }
      }
      return new Parts(nodes, initializers, inputs, outputs);
    }

    private Node node() throws IOException {
      List<String> inputs = new ArrayList<>();
      List<String> outputs = new ArrayList<>();
      String name = "";
      String op = "";
      String domain = "";
      Map<String, Attribute> attributes = new LinkedHashMap<>();
      int tag;
      while ((tag = in.readTag()) != 0) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> inputs.add(string(tag, "NodeProto.input"));
          case 2 -> outputs.add(string(tag, "NodeProto.output"));
          case 3 -> name = string(tag, "NodeProto.name");
          case 4 -> op = string(tag, "NodeProto.op_type");
          case 7 -> domain = string(tag, "NodeProto.domain");
          case 5 -> {
            Attribute a = message(tag, "NodeProto.attribute", this::attribute);
            attributes.put(a.name(), a);
          }
          default -> skip(tag);
        }
      }
      return new Node(name, op, domain.equals("ai.onnx") ? "" : domain, inputs, outputs, attributes);
    }

    private Attribute attribute() throws IOException {
      String name = "";
      Float f = null;
      Long i = null;
      byte[] s = null;
      Tensor t = null;
      FloatList floats = null;
      LongList ints = null;
      int tag;
      while ((tag = in.readTag()) != 0) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> name = string(tag, "AttributeProto.name");
          case 2 -> {
            expect(tag, WireFormat.WIRETYPE_FIXED32, "AttributeProto.f");
            f = in.readFloat();
          }
          case 3 -> {
            expect(tag, WireFormat.WIRETYPE_VARINT, "AttributeProto.i");
            i = in.readInt64();
          }
          case 4 -> {
            expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "AttributeProto.s");
            s = in.readByteArray();
          }
          case 5 -> t = message(tag, "AttributeProto.t", this::tensor);
          case 7 -> floats = readFloats(tag, floats == null ? new FloatList() : floats);
          case 8 -> ints = readVarints(tag, ints == null ? new LongList() : ints);
          default -> skip(tag);
        }
      }
      return new Attribute(name, f, i, s, t, floats == null ? null : floats.toArray(), ints == null ? null : ints.toArray());
    }

    private Tensor tensor() throws IOException {
      LongList dims = new LongList();
      int dataType = 0;
      String name = "";
      ByteBuffer raw = null;
      FloatList floatData = null;
      LongList intData = null;
      DoubleList doubleData = null;
      boolean external = false;
      int tag;
      while ((tag = in.readTag()) != 0) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> {
            readVarints(tag, dims);
            if (dims.size() > FileLimits.MAX_RANK) {
              throw new CheckpointException(path + ": a tensor has more than " + FileLimits.MAX_RANK + " dimensions");
            }
          }
          case 2 -> {
            expect(tag, WireFormat.WIRETYPE_VARINT, "TensorProto.data_type");
            dataType = in.readInt32();
          }
          case 3 -> throw new CheckpointException(path + ": a tensor is stored in segments (TensorProto.segment), "
              + "which lrp-audit does not read");
          case 4 -> floatData = readFloats(tag, floatData == null ? new FloatList() : floatData);
          case 5, 7 -> intData = readVarints(tag, intData == null ? new LongList() : intData);
          case 8 -> name = string(tag, "TensorProto.name");
          case 9 -> {
            expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "TensorProto.raw_data");
            int len = in.readRawVarint32();
            if (len < 0) {
              throw new InvalidProtocolBufferException("negative raw_data length " + len);
            }
            int start = in.getTotalBytesRead();
            in.skipRawBytes(len); // throws if the file ends first
            raw = file.duplicate().position(start).limit(start + len).slice().order(ByteOrder.LITTLE_ENDIAN);
          }
          case 10 -> doubleData = readDoubles(tag, doubleData == null ? new DoubleList() : doubleData);
          case 13 -> {
            external = true;
            skip(tag);
          }
          case 14 -> {
            expect(tag, WireFormat.WIRETYPE_VARINT, "TensorProto.data_location");
            external |= in.readInt32() == 1;
          }
          default -> skip(tag);
        }
      }
      if (external) {
        throw new CheckpointException(path + ": tensor '" + name + "' keeps its data in an external file "
            + "(data_location EXTERNAL), which lrp-audit does not read; save the model with all data inside the .onnx "
            + "file (onnx.save_model(model, path, save_as_external_data=False), possible below 2 GB)");
      }
      return new Tensor(name, dataType, dims.toArray(), raw, floatData == null ? null : floatData.toArray(),
          intData == null ? null : intData.toArray(), doubleData == null ? null : doubleData.toArray());
    }

    private String valueInfoName() throws IOException {
      String name = "";
      int tag;
      while ((tag = in.readTag()) != 0) {
        if (WireFormat.getTagFieldNumber(tag) == 1) {
          name = string(tag, "ValueInfoProto.name");
        } else {
          skip(tag);
        }
      }
      return name;
    }

    // --- wire helpers ------------------------------------------------------------------------------------------------

    private interface Body<T> {
      T read() throws IOException;
    }

    /** Reads a length-delimited sub-message with the given body reader, inside its own limit. */
    private <T> T message(int tag, String field, Body<T> body) throws IOException {
      expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, field);
      int old = enter();
      T t = body.read(); // bodies read until readTag() returns 0, i.e. exactly to the limit
      in.popLimit(old);
      return t;
    }

    private int enter() throws IOException {
      int len = in.readRawVarint32();
      if (len < 0) {
        throw new InvalidProtocolBufferException("negative message length " + len);
      }
      if ((long) in.getTotalBytesRead() + len > file.limit()) {
        throw new InvalidProtocolBufferException("a message of " + len + " bytes at byte " + in.getTotalBytesRead()
            + " runs past the end of the " + file.limit() + "-byte file (truncated?)");
      }
      return in.pushLimit(len);
    }

    private String string(int tag, String field) throws IOException {
      expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, field);
      return in.readStringRequireUtf8();
    }

    /** One element of a repeated scalar field. */
    private interface Element {
      void read() throws IOException;
    }

    /** A repeated scalar field: packed (one length-delimited run) or one element per tag with the given wire type. */
    private void readRepeated(int tag, int wireType, String what, Element element) throws IOException {
      if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) { // packed
        int old = enter();
        while (!in.isAtEnd()) {
          element.read();
        }
        in.popLimit(old);
      } else {
        expect(tag, wireType, what);
        element.read();
      }
    }

    private FloatList readFloats(int tag, FloatList out) throws IOException {
      readRepeated(tag, WireFormat.WIRETYPE_FIXED32, "repeated float", () -> out.add(in.readFloat()));
      return out;
    }

    private DoubleList readDoubles(int tag, DoubleList out) throws IOException {
      readRepeated(tag, WireFormat.WIRETYPE_FIXED64, "repeated double", () -> out.add(in.readDouble()));
      return out;
    }

    /** int32 and int64 fields alike: both are varints on the wire (negative int32 values are sign-extended to 64 bits). */
    private LongList readVarints(int tag, LongList out) throws IOException {
      readRepeated(tag, WireFormat.WIRETYPE_VARINT, "repeated integer", () -> out.add(in.readInt64()));
      return out;
    }

    /**
     * Skips a field the importer does not need. Groups (a protobuf 2 feature ONNX never uses) are skipped here without
     * recursion and with a depth bound: protobuf-java's own skipField recurses once per nesting level, so a file of
     * nested group starts (b'\x13' * 300000) would overflow the stack.
     */
    private void skip(int tag) throws IOException {
      int wire = WireFormat.getTagWireType(tag);
      if (wire == WireFormat.WIRETYPE_END_GROUP) {
        throw new InvalidProtocolBufferException("an end-group tag (field " + WireFormat.getTagFieldNumber(tag)
            + ") at byte " + in.getTotalBytesRead() + " closes no group");
      }
      if (wire != WireFormat.WIRETYPE_START_GROUP) {
        in.skipField(tag);
        return;
      }
      int[] open = new int[MAX_GROUP_DEPTH];
      int depth = 0;
      open[depth++] = WireFormat.getTagFieldNumber(tag);
      while (depth > 0) {
        int t = in.readTag();
        if (t == 0) {
          throw new InvalidProtocolBufferException("a protobuf group (field " + open[depth - 1] + ") is not closed "
              + "before the end of its message (truncated or not ONNX)");
        }
        switch (WireFormat.getTagWireType(t)) {
          case WireFormat.WIRETYPE_START_GROUP -> {
            if (depth == MAX_GROUP_DEPTH) {
              throw new InvalidProtocolBufferException("protobuf groups nested more than " + MAX_GROUP_DEPTH
                  + " deep at byte " + in.getTotalBytesRead() + " (not an ONNX model)");
            }
            open[depth++] = WireFormat.getTagFieldNumber(t);
          }
          case WireFormat.WIRETYPE_END_GROUP -> {
            if (WireFormat.getTagFieldNumber(t) != open[depth - 1]) {
              throw new InvalidProtocolBufferException("end-group tag of field " + WireFormat.getTagFieldNumber(t)
                  + " closes the group of field " + open[depth - 1]);
            }
            depth--;
          }
          default -> in.skipField(t);
        }
      }
    }

    private static void expect(int tag, int wireType, String field) throws InvalidProtocolBufferException {
      if (WireFormat.getTagWireType(tag) != wireType) {
        throw new InvalidProtocolBufferException(field + " (field " + WireFormat.getTagFieldNumber(tag)
            + ") has wire type " + WireFormat.getTagWireType(tag) + ", expected " + wireType);
      }
    }
  }

  /** Most values one repeated field (float_data, int64_data, dims, ...) may hold: 1 GiB of longs. */
  static final int MAX_REPEATED = 1 << 27;

  /** The next capacity of a full primitive list of n values, bounded by MAX_REPEATED. */
  private static int grown(int n) {
    if (n >= MAX_REPEATED) {
      throw new CheckpointException("a repeated field holds more than " + MAX_REPEATED + " values; store large "
          + "tensors in raw_data");
    }
    return n * 2;
  }

  /** Growable primitive arrays, so large typed tensors are not boxed. */
  private static final class FloatList {
    private float[] a = new float[16];
    private int n;

    void add(float v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, grown(n));
      }
      a[n++] = v;
    }

    float[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }

  private static final class LongList {
    private long[] a = new long[16];
    private int n;

    void add(long v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, grown(n));
      }
      a[n++] = v;
    }

    long[] toArray() {
      return Arrays.copyOf(a, n);
    }

    int size() {
      return n;
    }
  }

  private static final class DoubleList {
    private double[] a = new double[16];
    private int n;

    void add(double v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, grown(n));
      }
      a[n++] = v;
    }

    double[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
