package org.lrpaudit.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a BERT-style (lowercasing WordPiece) tokenizer.json for a given vocabulary, so generated test and demo models come
 * with a real HuggingFace tokenizer file. Special tokens take ids 0-4: [PAD], [UNK], [CLS], [SEP], [MASK].
 */
public final class WordPieceVocabulary {
  public static final List<String> SPECIAL = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");

  private final Map<String, Integer> vocab = new LinkedHashMap<>();

  public WordPieceVocabulary(List<String> words) {
    for (String s : SPECIAL) {
      vocab.putIfAbsent(s, vocab.size());
    }
    // Every letter, digit and common punctuation mark, alone and as a continuation: any ASCII word can be spelled.
    String chars = "abcdefghijklmnopqrstuvwxyz0123456789.,!?'\"-:;()&$%/";
    for (char ch : chars.toCharArray()) {
      vocab.putIfAbsent(String.valueOf(ch), vocab.size());
    }
    for (char ch : "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray()) {
      vocab.putIfAbsent("##" + ch, vocab.size());
    }
    for (String w : words) {
      vocab.putIfAbsent(w.toLowerCase(java.util.Locale.ROOT), vocab.size());
    }
  }

  public int size() {
    return vocab.size();
  }

  public void write(Path file) throws IOException {
    ObjectNode root = TokenizerJson.withSpecialTokens(SPECIAL, vocab);
    root.putObject("normalizer").put("type", "BertNormalizer").put("clean_text", true)
        .put("handle_chinese_chars", true).putNull("strip_accents").put("lowercase", true);
    root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
    TokenizerJson.templateProcessing(root.putObject("post_processor"), "[CLS]", "[SEP]", 1, false, vocab);
    root.putObject("decoder").put("type", "WordPiece").put("prefix", "##").put("cleanup", true);
    ObjectNode model = root.putObject("model");
    model.put("type", "WordPiece").put("unk_token", "[UNK]").put("continuing_subword_prefix", "##")
        .put("max_input_chars_per_word", 100);
    ObjectNode v = model.putObject("vocab");
    vocab.forEach(v::put);
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
  }
}
