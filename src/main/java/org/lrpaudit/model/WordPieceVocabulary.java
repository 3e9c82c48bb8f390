package org.lrpaudit.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (String s : SPECIAL) {
      added.addObject().put("id", vocab.get(s)).put("content", s).put("single_word", false).put("lstrip", false)
          .put("rstrip", false).put("normalized", false).put("special", true);
    }
    root.putObject("normalizer").put("type", "BertNormalizer").put("clean_text", true)
        .put("handle_chinese_chars", true).putNull("strip_accents").put("lowercase", true);
    root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
    ObjectNode post = root.putObject("post_processor");
    post.put("type", "TemplateProcessing");
    ArrayNode single = post.putArray("single");
    special(single, "[CLS]", 0);
    sequence(single, "A", 0);
    special(single, "[SEP]", 0);
    ArrayNode pair = post.putArray("pair");
    special(pair, "[CLS]", 0);
    sequence(pair, "A", 0);
    special(pair, "[SEP]", 0);
    sequence(pair, "B", 1);
    special(pair, "[SEP]", 1);
    ObjectNode specialTokens = post.putObject("special_tokens");
    for (String s : List.of("[CLS]", "[SEP]")) {
      ObjectNode t = specialTokens.putObject(s);
      t.put("id", s);
      t.putArray("ids").add(vocab.get(s));
      t.putArray("tokens").add(s);
    }
    root.putObject("decoder").put("type", "WordPiece").put("prefix", "##").put("cleanup", true);
    ObjectNode model = root.putObject("model");
    model.put("type", "WordPiece").put("unk_token", "[UNK]").put("continuing_subword_prefix", "##")
        .put("max_input_chars_per_word", 100);
    ObjectNode v = model.putObject("vocab");
    vocab.forEach(v::put);
    json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
  }

  private static void special(ArrayNode a, String id, int type) {
    a.addObject().putObject("SpecialToken").put("id", id).put("type_id", type);
  }

  private static void sequence(ArrayNode a, String id, int type) {
    a.addObject().putObject("Sequence").put("id", id).put("type_id", type);
  }
}
