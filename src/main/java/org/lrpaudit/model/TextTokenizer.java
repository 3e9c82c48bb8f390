package org.lrpaudit.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * The checkpoint's tokenizer.json through HuggingFace's Rust tokenizer (DJL binding), with our own settings: no padding
 * (batches pad themselves), truncation at our maximum length whatever the file says.
 */
public final class TextTokenizer implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;
  private final int maxLength;
  private final long padId;
  private final long unkId;

  public TextTokenizer(Path tokenizerJson, int maxLength, int modelVocabSize) {
    this.maxLength = maxLength;
    VocabInfo vocab = VocabInfo.read(tokenizerJson);
    if (vocab.maxId >= modelVocabSize) {
      throw new CheckpointException(tokenizerJson + ": token id " + vocab.maxId + " does not fit the model's vocab_size "
          + modelVocabSize + " (tokenizer and weights do not belong together)");
    }
    this.padId = vocab.padId;
    this.unkId = vocab.unkId;
    try {
      tokenizer = HuggingFaceTokenizer.builder()
          .optTokenizerPath(tokenizerJson)
          .optAddSpecialTokens(true)
          .optPadding(false)
          .optTruncation(true)
          .optMaxLength(maxLength)
          .build();
    } catch (IOException | RuntimeException e) {
      throw new CheckpointException(tokenizerJson + ": cannot load tokenizer (" + e.getMessage() + ")", e);
    }
  }

  public int maxLength() {
    return maxLength;
  }

  public long padId() {
    return padId;
  }

  /** Id of the unknown token (model.unk_token, e.g. [UNK]), which the faithfulness tasks put in place of removed tokens. */
  public long unkId() {
    if (unkId < 0) {
      throw new CheckpointException("the tokenizer has no unknown token (model.unk_token) in its vocabulary");
    }
    return unkId;
  }

  public TokenizedText encode(String text) {
    return encode(text, null);
  }

  /**
   * A text, or a sentence pair when pair is not null: the tokenizer's own pair template (BERT: [CLS] A [SEP] B [SEP] with
   * token types 0 and 1; RoBERTa / XLM-R: &lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B &lt;/s&gt;). Offsets index the token's own text.
   */
  public TokenizedText encode(String text, String pair) {
    Encoding e = pair == null ? tokenizer.encode(text) : tokenizer.encode(text, pair);
    CharSpan[] spans = e.getCharTokenSpans();
    long[] special = e.getSpecialTokenMask();
    long[] words = e.getWordIds();
    long[] sequence = pair == null ? null : e.getSequenceIds();
    int n = e.getIds().length;
    int[][] utf16 = {codePointToUtf16(text), pair == null ? null : codePointToUtf16(pair)};
    int[] starts = new int[n];
    int[] ends = new int[n];
    int[] wordIds = new int[n];
    int[] segments = new int[n];
    boolean[] isSpecial = new boolean[n];
    for (int i = 0; i < n; i++) {
      isSpecial[i] = special[i] != 0;
      int seg = sequence != null && sequence[i] == 1 ? 1 : 0;
      segments[i] = isSpecial[i] ? 0 : seg;
      // Word ids restart in the second text: keep the two texts' words apart.
      wordIds[i] = isSpecial[i] ? -1 : (int) words[i] + (seg == 1 ? 1 << 24 : 0);
      if (!isSpecial[i] && spans[i] != null) {
        // The Rust tokenizer counts Unicode code points; Java strings index UTF-16 units.
        int[] map = utf16[seg];
        starts[i] = map[Math.min(spans[i].getStart(), map.length - 1)];
        ends[i] = map[Math.min(spans[i].getEnd(), map.length - 1)];
      }
    }
    return new TokenizedText(e.getIds(), e.getTypeIds(), e.getTokens(), starts, ends, wordIds, isSpecial,
        e.exceedMaxLength(), segments);
  }

  /** utf16[k] = UTF-16 index of code point k; one entry past the end. */
  private static int[] codePointToUtf16(String text) {
    int[] map = new int[text.codePointCount(0, text.length()) + 1];
    int k = 0;
    for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
      map[k++] = i;
    }
    map[k] = text.length();
    return map;
  }

  @Override
  public void close() {
    tokenizer.close();
  }

  /** Largest id the tokenizer can emit and its padding id, read from tokenizer.json itself. */
  private record VocabInfo(long maxId, long padId, long unkId) {
    static VocabInfo read(Path file) {
      JsonNode root;
      try {
        root = new ObjectMapper().readTree(file.toFile());
      } catch (IOException e) {
        throw new CheckpointException(file + ": not valid JSON (" + e.getMessage() + ")", e);
      }
      long max = -1;
      long pad = 0;
      long unk = -1;
      String unkToken = root.path("model").path("unk_token").asText("[UNK]");
      JsonNode vocab = root.path("model").path("vocab");
      java.util.Map<String, Long> pieces = new java.util.LinkedHashMap<>();
      if (vocab.isArray()) { // Unigram (SentencePiece): [[piece, score], ...], the id is the index
        for (int i = 0; i < vocab.size(); i++) {
          pieces.put(vocab.get(i).path(0).asText(), (long) i);
        }
        unk = root.path("model").path("unk_id").asLong(-1);
      } else { // WordPiece, BPE: {piece: id}
        for (Iterator<java.util.Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
          var f = it.next();
          pieces.put(f.getKey(), f.getValue().asLong());
        }
      }
      for (var f : pieces.entrySet()) {
        max = Math.max(max, f.getValue());
        if (f.getKey().equals("[PAD]") || f.getKey().equals("<pad>")) {
          pad = f.getValue();
        }
        if (f.getKey().equals(unkToken)) {
          unk = f.getValue();
        }
      }
      if (unk < 0) { // byte-level BPE names no unknown token; RoBERTa's vocabulary still holds <unk>
        unk = pieces.getOrDefault("<unk>", pieces.getOrDefault("[UNK]", -1L));
      }
      for (JsonNode t : root.path("added_tokens")) {
        max = Math.max(max, t.path("id").asLong());
      }
      if (max < 0) {
        throw new CheckpointException(file + ": no vocabulary found under model.vocab (WordPiece, BPE and Unigram "
            + "tokenizer.json files are supported)");
      }
      return new VocabInfo(max, pad, unk);
    }
  }
}
