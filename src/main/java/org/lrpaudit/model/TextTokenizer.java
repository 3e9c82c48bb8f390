package org.lrpaudit.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.databind.JsonNode;
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
    Encoding e = tokenizer.encode(text);
    CharSpan[] spans = e.getCharTokenSpans();
    long[] special = e.getSpecialTokenMask();
    long[] words = e.getWordIds();
    int n = e.getIds().length;
    int[] utf16 = codePointToUtf16(text);
    int[] starts = new int[n];
    int[] ends = new int[n];
    int[] wordIds = new int[n];
    boolean[] isSpecial = new boolean[n];
    for (int i = 0; i < n; i++) {
      isSpecial[i] = special[i] != 0;
      wordIds[i] = isSpecial[i] ? -1 : (int) words[i];
      if (!isSpecial[i] && spans[i] != null) {
        // The Rust tokenizer counts Unicode code points; Java strings index UTF-16 units.
        starts[i] = utf16[Math.min(spans[i].getStart(), utf16.length - 1)];
        ends[i] = utf16[Math.min(spans[i].getEnd(), utf16.length - 1)];
      }
    }
    return new TokenizedText(e.getIds(), e.getTypeIds(), e.getTokens(), starts, ends, wordIds, isSpecial,
        e.exceedMaxLength());
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
      JsonNode root = FileLimits.readJson(file, FileLimits.MAX_TOKENIZER_BYTES, "tokenizer.json");
      long max = -1;
      long min = 0;
      long pad = 0;
      long unk = -1;
      String unkToken = root.path("model").path("unk_token").asText("[UNK]");
      JsonNode vocab = root.path("model").path("vocab");
      for (Iterator<java.util.Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
        var f = it.next();
        max = Math.max(max, f.getValue().asLong());
        min = Math.min(min, f.getValue().asLong());
        if (f.getKey().equals("[PAD]") || f.getKey().equals("<pad>")) {
          pad = f.getValue().asLong();
        }
        if (f.getKey().equals(unkToken)) {
          unk = f.getValue().asLong();
        }
      }
      for (JsonNode t : root.path("added_tokens")) {
        max = Math.max(max, t.path("id").asLong());
        min = Math.min(min, t.path("id").asLong());
      }
      if (min < 0) {
        throw new CheckpointException(file + ": negative token id " + min + " in the vocabulary");
      }
      if (max < 0) {
        throw new CheckpointException(file + ": no vocabulary found under model.vocab (only WordPiece-style "
            + "tokenizer.json files are supported)");
      }
      return new VocabInfo(max, pad, unk);
    }
  }
}
