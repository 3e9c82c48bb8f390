package org.lrpaudit.explain;

import java.util.List;

/**
 * Which class's logit f_c an explanation explains: the predicted class (default), the text's gold label, or a fixed class
 * by index or by id2label name.
 */
public sealed interface Target {
  record Predicted() implements Target {}

  record GoldLabel() implements Target {}

  record ClassIndex(int index) implements Target {}

  record ClassName(String name) implements Target {}

  Target PREDICTED = new Predicted();

  /** predicted | label | label:N | class:NAME. */
  static Target parse(String s) {
    if (s.equals("predicted")) {
      return PREDICTED;
    }
    if (s.equals("label")) {
      return new GoldLabel();
    }
    if (s.startsWith("label:")) {
      try {
        return new ClassIndex(Integer.parseInt(s.substring(6)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("target '" + s + "': label:N needs a class index N");
      }
    }
    if (s.startsWith("class:") && s.length() > 6) {
      return new ClassName(s.substring(6));
    }
    throw new IllegalArgumentException("target '" + s + "' is not one of predicted, label, label:N, class:NAME");
  }

  /** The class index to explain for one text; fails with a message naming the problem. */
  default int resolve(int predicted, Integer goldLabel, List<String> labels) {
    int c;
    if (this instanceof Predicted) {
      c = predicted;
    } else if (this instanceof GoldLabel) {
      if (goldLabel == null) {
        throw new IllegalArgumentException("target 'label' needs a gold label, and this text has none");
      }
      c = goldLabel;
    } else if (this instanceof ClassIndex ci) {
      c = ci.index();
    } else {
      String name = ((ClassName) this).name();
      c = labels.indexOf(name);
      if (c < 0) {
        throw new IllegalArgumentException("class '" + name + "' is not a label of this model (labels: " + labels + ")");
      }
    }
    if (c < 0 || c >= labels.size()) {
      throw new IllegalArgumentException("class index " + c + " is out of range: the model has " + labels.size() + " labels");
    }
    return c;
  }
}
