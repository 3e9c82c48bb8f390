package org.lrpaudit.explain;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.lrpaudit.rules.PropagationRules;

/** The explanation methods of method.md, by the names used on the command line and in output columns. */
public enum Method {
  GI("gi", PropagationRules.GRADIENT),
  LRP_AH("lrp-ah", new PropagationRules(true, false, true)),
  LRP_LN("lrp-ln", new PropagationRules(false, true, true)),
  LRP_AH_LN("lrp-ah-ln", new PropagationRules(true, true, true));

  private final String id;
  private final PropagationRules rules;

  Method(String id, PropagationRules rules) {
    this.id = id;
    this.rules = rules;
  }

  public String id() {
    return id;
  }

  public PropagationRules rules() {
    return rules;
  }

  public static Method parse(String s) {
    for (Method m : values()) {
      if (m.id.equals(s)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown method '" + s + "' (choose from " + names() + ")");
  }

  public static String names() {
    return Arrays.stream(values()).map(Method::id).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return id;
  }
}
