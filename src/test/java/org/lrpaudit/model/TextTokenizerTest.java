package org.lrpaudit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.explain.Explainer;
import org.lrpaudit.explain.Explanation;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.Target;
import org.lrpaudit.explain.TextInput;
import org.lrpaudit.explain.TokenRelevance;

/** Our padding and truncation settings win over tokenizer.json's; offsets are UTF-16 indices into the Java string. */
class TextTokenizerTest {
  @TempDir
  static Path tmp;
  static Path dir;
  static int vocabSize;

  @BeforeAll
  static void writeModel() throws IOException {
    dir = TestCheckpoints.tinyBert(tmp.resolve("model"), 21);
    // What all-MiniLM's tokenizer.json does: fixed padding to 128 and truncation at 8 here, both to be overridden.
    TestCheckpoints.editTokenizer(dir, t -> {
      t.putObject("truncation").put("direction", "Right").put("max_length", 8).put("strategy", "LongestFirst")
          .put("stride", 0);
      ObjectNode padding = t.putObject("padding");
      padding.putObject("strategy").put("Fixed", 128);
      padding.put("direction", "Right").put("pad_to_multiple_of", (Integer) null).put("pad_id", 0).put("pad_type_id", 0)
          .put("pad_token", "[PAD]");
    });
    vocabSize = ModelConfig.read(dir.resolve(Checkpoint.CONFIG)).vocabSize();
  }

  private static TextTokenizer tokenizer(int maxLength) {
    return new TextTokenizer(dir.resolve(Checkpoint.TOKENIZER), maxLength, vocabSize);
  }

  @Test
  void fileSettingsForPaddingAndTruncationAreOverridden() {
    try (TextTokenizer tok = tokenizer(32)) {
      TokenizedText three = tok.encode("the movie was");
      assertEquals(List.of("[CLS]", "the", "movie", "was", "[SEP]"), Arrays.asList(three.tokens()));
      assertEquals(5, three.length(), "no padding to 128");
      assertEquals(5, three.typeIds().length);
      assertFalse(three.truncated());

      String twenty = String.join(" ", Collections.nCopies(5, "the good movie was"));
      TokenizedText t = tok.encode(twenty);
      assertEquals(22, t.length(), "no truncation at 8");
      assertFalse(t.truncated());
      assertEquals("[CLS]", t.tokens()[0]);
      assertEquals("[SEP]", t.tokens()[21]);
    }
  }

  /** The fixture is effective: the Rust tokenizer left to the file's own settings truncates at 8 and pads to 128. */
  @Test
  void fileSettingsWouldPadAndTruncateIfNotOverridden() throws IOException {
    try (TextTokenizer tok = tokenizer(32)) { // loads the native library
      assertEquals(5, tok.encode("the movie was").length());
    }
    TokenizersLibrary lib = TokenizersLibrary.LIB;
    long handle = lib.createTokenizerFromString(Files.readString(dir.resolve(Checkpoint.TOKENIZER)));
    try {
      assertEquals(8, lib.getMaxLength(handle));
      long enc = lib.encode(handle, String.join(" ", Collections.nCopies(5, "the good movie was")), true);
      try {
        long[] ids = lib.getTokenIds(enc);
        assertEquals(128, ids.length);
        assertEquals(8, Arrays.stream(lib.getAttentionMask(enc)).sum());
      } finally {
        lib.deleteEncoding(enc);
      }
    } finally {
      lib.deleteTokenizer(handle);
    }
  }

  @Test
  void idsAndSpecialTokens() {
    try (TextTokenizer tok = tokenizer(32)) {
      assertEquals(0, tok.padId());
      TokenizedText t = tok.encode("Great film");
      assertEquals(List.of("[CLS]", "great", "film", "[SEP]"), Arrays.asList(t.tokens()));
      assertEquals(2, t.ids()[0]); // [CLS]
      assertEquals(3, t.ids()[3]); // [SEP]
      assertArrayEquals(new boolean[] {true, false, false, true}, t.special());
      assertArrayEquals(new int[] {-1, 0, 1, -1}, t.wordIds());
      assertArrayEquals(new int[] {0, 0, 6, 0}, t.starts());
      assertArrayEquals(new int[] {0, 5, 10, 0}, t.ends());
      assertArrayEquals(new long[] {0, 0, 0, 0}, t.typeIds());
    }
  }

  @Test
  void longTextIsTruncatedAtOurLengthAndFlagged() {
    try (TextTokenizer tok = tokenizer(10)) {
      TokenizedText t = tok.encode(String.join(" ", Collections.nCopies(5, "the good movie was")));
      assertEquals(10, t.length());
      assertTrue(t.truncated());
      assertEquals("[CLS]", t.tokens()[0]);
      assertEquals("[SEP]", t.tokens()[9]);
      TokenizedText fits = tok.encode("the good movie was the good movie was"); // exactly 10 with [CLS] and [SEP]
      assertEquals(10, fits.length());
      assertFalse(fits.truncated());
    }
  }

  @Test
  void offsetsAreUtf16IndicesAfterEmoji() {
    String text = "I \uD83D\uDE00 loved this \uD83D\uDC4D\uD83C\uDFFD movie, Mary!";
    try (TextTokenizer tok = tokenizer(64)) {
      TokenizedText t = tok.encode(text);
      List<String> tokens = Arrays.asList(t.tokens());
      assertEquals(List.of("[CLS]", "i", "[UNK]", "loved", "this", "[UNK]", "movie", ",", "mary", "!", "[SEP]"), tokens);
      for (int i = 0; i < t.length(); i++) {
        if (t.special()[i]) {
          assertEquals(0, t.starts()[i]);
          assertEquals(0, t.ends()[i]);
        } else if (!t.tokens()[i].equals("[UNK]")) {
          assertEquals(t.tokens()[i], text.substring(t.starts()[i], t.ends()[i]).toLowerCase(java.util.Locale.ROOT),
              "surface of token " + i);
        }
      }
      assertEquals("\uD83D\uDE00", text.substring(t.starts()[2], t.ends()[2]), "emoji: two UTF-16 units");
      assertEquals(text.indexOf("loved"), t.starts()[3]);
      assertEquals("\uD83D\uDC4D\uD83C\uDFFD", text.substring(t.starts()[5], t.ends()[5]), "emoji with skin tone: 4 units");
      assertEquals(text.indexOf("Mary"), t.starts()[8]);
      assertEquals(text.length() - 1, t.starts()[9]);
      assertEquals(text.length(), t.ends()[9]);
    }
  }

  @Test
  void subWordOffsetsAndWordIds() {
    String text = "\uD83D\uDE00 jumped";
    try (TextTokenizer tok = tokenizer(64)) {
      TokenizedText t = tok.encode(text);
      // "jumped" is not in the vocabulary: spelled from pieces, all of word 1.
      assertEquals("[UNK]", t.tokens()[1]);
      assertEquals("j", t.tokens()[2]);
      StringBuilder joined = new StringBuilder();
      for (int i = 2; i < t.length() - 1; i++) {
        assertEquals(1, t.wordIds()[i]);
        assertEquals(t.tokens()[i].replace("##", ""), text.substring(t.starts()[i], t.ends()[i]), "token " + i);
        joined.append(text, t.starts()[i], t.ends()[i]);
      }
      assertEquals("jumped", joined.toString());
    }
  }

  @Test
  void textLongerThanTheModelPositionsIsTruncatedAndFlagged() throws IOException {
    Path small = TestCheckpoints.bert(tmp.resolve("positions-16"), 1, 16, false, 22);
    String longText = String.join(" ", Collections.nCopies(10, "the good movie was"));
    try (TextClassifier c = TextClassifier.load(small.toString(), 512)) {
      assertEquals(16, c.tokenizer().maxLength(), "capped at max_position_embeddings");
      List<Explanation> out = new Explainer(c).explain(List.of(TextInput.of(longText), TextInput.of("a good movie")),
          Method.LRP_AH_LN, Target.PREDICTED);
      Explanation cut = out.get(0);
      assertTrue(cut.truncated());
      assertEquals(16, cut.tokens().size());
      assertEquals("[CLS]", cut.tokens().get(0).token());
      assertEquals("[SEP]", cut.tokens().get(15).token());
      TokenRelevance last = cut.tokens().get(14);
      assertEquals(longText.substring(last.start(), last.end()), last.token());
      assertFalse(out.get(1).truncated());
      assertEquals(5, out.get(1).tokens().size());
    }
  }
}
