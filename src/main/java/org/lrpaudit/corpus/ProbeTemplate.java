package org.lrpaudit.corpus;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A probe sentence template with one entity slot ({PERSON}, {COUNTRY}, {CITY} or {ORGANIZATION}) and one sentiment slot
 * ({ADJ}: an evaluative adjective, "The movie was {ADJ}."; {EMOTION}: a feeling, "made me feel {EMOTION}."), in the
 * manner of the Equity Evaluation Corpus (Kiritchenko and Mohammad 2018). Read from a tab-separated file:
 * {@code id<TAB>template}.
 */
public record ProbeTemplate(String id, String text, Slot entity, String wordKind) {
  /** The entity slots and the slot kinds they are filled with. */
  public enum Slot {
    PERSON(List.of(ProbeKinds.FEMALE_NAME, ProbeKinds.MALE_NAME)),
    COUNTRY(List.of(ProbeKinds.COUNTRY)),
    CITY(List.of(ProbeKinds.CITY)),
    ORGANIZATION(List.of(ProbeKinds.ORGANIZATION));

    public final List<String> kinds;

    Slot(List<String> kinds) {
      this.kinds = kinds;
    }

    public String placeholder() {
      return "{" + name() + "}";
    }
  }

  public static final String ADJ = "adj";
  public static final String EMOTION = "emotion";

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Z]+)}");

  public ProbeTemplate {
    if (!id.matches("[A-Za-z0-9_]+")) {
      throw new IllegalArgumentException("template id '" + id + "' must be letters, digits or _");
    }
  }

  /** Parses one template, checking that it has exactly one entity slot and one sentiment slot. */
  public static ProbeTemplate parse(String id, String text) {
    Slot entity = null;
    String word = null;
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      String name = m.group(1);
      switch (name) {
        case "ADJ", "EMOTION" -> {
          if (word != null) {
            throw new IllegalArgumentException("template " + id + " has two sentiment slots: " + text);
          }
          word = name.equals("ADJ") ? ADJ : EMOTION;
        }
        default -> {
          Slot s;
          try {
            s = Slot.valueOf(name);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("template " + id + ": unknown slot {" + name + "} (known: {PERSON}, "
                + "{COUNTRY}, {CITY}, {ORGANIZATION}, {ADJ}, {EMOTION}): " + text);
          }
          if (entity != null) {
            throw new IllegalArgumentException("template " + id + " has two entity slots: " + text);
          }
          entity = s;
        }
      }
    }
    if (entity == null || word == null) {
      throw new IllegalArgumentException("template " + id + " needs one entity slot and one of {ADJ} / {EMOTION}: "
          + text);
    }
    return new ProbeTemplate(id, text, entity, word);
  }

  public static List<ProbeTemplate> read(Path file) throws IOException {
    List<ProbeTemplate> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (String[] cells : Lexicon.readTsv(file, "probe templates")) {
      if (cells.length != 2) {
        throw new IllegalArgumentException(file + ": expected id<TAB>template, got '" + String.join("\t", cells) + "'");
      }
      if (!ids.add(cells[0])) {
        throw new IllegalArgumentException(file + ": template id " + cells[0] + " appears twice");
      }
      out.add(parse(cells[0], cells[1]));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + ": no templates");
    }
    return out;
  }

  /** The template filled in, with the offsets of the two slots. */
  public record Filled(String text, int slotStart, int slotEnd, int wordStart, int wordEnd) {
  }

  public Filled fill(String entityValue, String sentimentWord) {
    String wordPlaceholder = wordKind.equals(ADJ) ? "{ADJ}" : "{EMOTION}";
    StringBuilder b = new StringBuilder();
    int slotStart = -1;
    int slotEnd = -1;
    int wordStart = -1;
    int wordEnd = -1;
    Matcher m = PLACEHOLDER.matcher(text);
    int last = 0;
    while (m.find()) {
      b.append(text, last, m.start());
      if (m.group().equals(entity.placeholder())) {
        slotStart = b.length();
        b.append(entityValue);
        slotEnd = b.length();
      } else if (m.group().equals(wordPlaceholder)) {
        wordStart = b.length();
        b.append(sentimentWord);
        wordEnd = b.length();
      }
      last = m.end();
    }
    b.append(text.substring(last));
    return new Filled(b.toString(), slotStart, slotEnd, wordStart, wordEnd);
  }
}
