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
    vocab.check(tokenizerJson, modelVocabSize, 0);
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
    // What the file says is checked above; what the tokenizer does is checked here, once: a post-processor of a kind
    // not read above must not emit an id the embedding has no row for (every row would fail, one by one).
    long[] ids;
    try {
      ids = tokenizer.encode("a").getIds();
    } catch (RuntimeException e) {
      tokenizer.close();
      throw new CheckpointException(tokenizerJson + ": the tokenizer fails on the text \"a\" (" + e.getMessage() + ")", e);
    }
    for (long id : ids) {
      if (id < 0 || id >= modelVocabSize) {
        tokenizer.close();
        throw new CheckpointException(tokenizerJson + ": the tokenizer emits token id " + id + " for the text \"a\", "
            + "outside the model's vocab_size " + modelVocabSize + " (tokenizer and weights do not belong together)");
      }
    }
  }

  /**
   * Checks tokenizer.json against the model's config without loading the tokenizer: every id the file names (vocabulary,
   * added tokens, the post-processor's special tokens such as [CLS] and [SEP]) has a row in the embedding, the unknown
   * token is in the vocabulary, and the post-processor's token type ids fit type_vocab_size. Cheap (JSON only), so the
   * driver runs it before any compute; a violation would otherwise fail every row of a job, one by one.
   */
  public static void check(Path tokenizerJson, ModelConfig config) {
    VocabInfo.read(tokenizerJson).check(tokenizerJson, config.vocabSize(), config.typeVocabSize());
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

  /** A special token id named by the post-processor, where the file names it (for messages). */
  private record SpecialId(String where, String token, long id) {}

  /**
   * The ids tokenizer.json names: the vocabulary's range, padding and unknown ids, the post-processor's special token
   * ids and token type ids. Post-processors read: TemplateProcessing (special_tokens.*.ids, the single template's type_id),
   * BertProcessing and RobertaProcessing (cls, sep) and Sequence (processors, recursively).
   */
  private record VocabInfo(long minId, long maxId, long padId, long unkId, String unkToken, boolean wordPiece,
      java.util.List<SpecialId> specials, java.util.List<SpecialId> typeIds) {
    static VocabInfo read(Path file) {
      JsonNode root = FileLimits.readJson(file, FileLimits.MAX_TOKENIZER_BYTES, "tokenizer.json");
      long min = Long.MAX_VALUE;
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
        min = Math.min(min, f.getValue());
        if (f.getKey().equals("[PAD]") || f.getKey().equals("<pad>")) {
          pad = f.getValue();
        }
        if (f.getKey().equals(unkToken)) {
          unk = f.getValue();
        }
      }
      boolean namesUnk = root.path("model").hasNonNull("unk_token");
      if (unk < 0 && !namesUnk) { // byte-level BPE names no unknown token; RoBERTa's vocabulary still holds <unk>
        unk = pieces.getOrDefault("<unk>", pieces.getOrDefault("[UNK]", -1L));
      }
      for (JsonNode t : root.path("added_tokens")) {
        max = Math.max(max, t.path("id").asLong());
        min = Math.min(min, t.path("id").asLong());
      }
      if (max < 0) {
        throw new CheckpointException(file + ": no vocabulary found under model.vocab (WordPiece, BPE and Unigram "
            + "tokenizer.json files are supported)");
      }
      java.util.List<SpecialId> specials = new java.util.ArrayList<>();
      java.util.List<SpecialId> types = new java.util.ArrayList<>();
      postProcessor(root.path("post_processor"), "post_processor", specials, types);
      boolean wordPiece = root.path("model").path("type").asText("WordPiece").equals("WordPiece");
      return new VocabInfo(min, max, pad, unk, unkToken, wordPiece, specials, types);
    }

    private static void postProcessor(JsonNode p, String where, java.util.List<SpecialId> specials,
        java.util.List<SpecialId> types) {
      if (p == null || !p.isObject()) {
        return;
      }
      for (Iterator<java.util.Map.Entry<String, JsonNode>> it = p.path("special_tokens").fields(); it.hasNext(); ) {
        var t = it.next();
        JsonNode ids = t.getValue().path("ids");
        for (int i = 0; i < ids.size(); i++) {
          specials.add(new SpecialId(where + ".special_tokens." + t.getKey() + ".ids[" + i + "]", t.getKey(),
              ids.get(i).asLong()));
        }
      }
      for (String key : new String[] {"cls", "sep"}) {
        JsonNode pair = p.path(key);
        if (pair.isArray() && pair.size() == 2) {
          specials.add(new SpecialId(where + "." + key, pair.get(0).asText(), pair.get(1).asLong()));
        }
      }
      for (String template : new String[] {"single"}) { // texts are encoded alone, never as pairs
        JsonNode items = p.path(template);
        for (int i = 0; i < items.size(); i++) {
          for (JsonNode piece : items.get(i)) {
            if (piece.has("type_id")) {
              types.add(new SpecialId(where + "." + template + "[" + i + "]", piece.path("id").asText(),
                  piece.path("type_id").asLong()));
            }
          }
        }
      }
      JsonNode processors = p.path("processors");
      for (int i = 0; i < processors.size(); i++) {
        postProcessor(processors.get(i), where + ".processors[" + i + "]", specials, types);
      }
    }

    /** typeVocabSize 0: the model has no token type embedding (DistilBERT), so type ids are not checked. */
    void check(Path file, int modelVocabSize, int typeVocabSize) {
      if (maxId >= modelVocabSize) {
        throw new CheckpointException(file + ": token id " + maxId + " does not fit the model's vocab_size "
            + modelVocabSize + " (tokenizer and weights do not belong together)");
      }
      if (minId < 0) {
        throw new CheckpointException(file + ": token id " + minId + " is negative");
      }
      for (SpecialId s : specials) {
        if (s.id() < 0 || s.id() >= modelVocabSize) {
          throw new CheckpointException(file + ": " + s.where() + ": special token " + s.token() + " has id " + s.id()
              + ", outside the model's vocab_size " + modelVocabSize + " (the post-processor would add it to every "
              + "text, and no text could be explained)");
        }
      }
      if (typeVocabSize > 0) {
        for (SpecialId t : typeIds) {
          if (t.id() < 0 || t.id() >= typeVocabSize) {
            throw new CheckpointException(file + ": " + t.where() + ": token type id " + t.id() + " of " + t.token()
                + " does not fit the model's type_vocab_size " + typeVocabSize);
          }
        }
      }
      if (wordPiece && unkId < 0) {
        throw new CheckpointException(file + ": the unknown token '" + unkToken + "' (model.unk_token) is not in the "
            + "vocabulary (WordPiece needs it for every word it cannot spell)");
      }
    }
  }
}
