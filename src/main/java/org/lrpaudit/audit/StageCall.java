package org.lrpaudit.audit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * One stage of an audit, from {@code audit.stage.<name>} in audit.conf: the lrp-audit sub-command it runs in this JVM,
 * its command-line arguments, whether to run it ({@code run = false}: use outputs that already exist), and where its
 * summary with the {@code headline} map and its aggregated CSV are (both optional).
 */
public record StageCall(String name, String command, List<String> args, boolean run, String summary, String statsCsv) {

  /**
   * Reads {@code audit.stage.<name>}. {@code args} is either an object, turned into {@code --key value} options in key
   * order (true: a bare {@code --key}; false and null: left out; a list: comma-joined), or a list of literal arguments.
   */
  static StageCall from(String name, Config stages) {
    if (!stages.hasPath(quoted(name))) {
      throw new AuditException("audit.stages lists '" + name + "' but audit.stage." + name + " is not defined");
    }
    Config c = stages.getConfig(quoted(name));
    try {
      boolean run = !c.hasPath("run") || c.getBoolean("run");
      String command = c.hasPath("command") ? c.getString("command") : name;
      List<String> args = c.hasPath("args") ? arguments(c.getValue("args"), name) : List.of();
      return new StageCall(name, command, args, run, optional(c, "summary"), optional(c, "stats-csv"));
    } catch (ConfigException e) {
      throw new AuditException("audit.stage." + name + ": " + e.getMessage(), e);
    }
  }

  private static List<String> arguments(ConfigValue v, String stage) {
    List<String> out = new ArrayList<>();
    if (v instanceof ConfigList list) {
      for (ConfigValue item : list) {
        out.add(scalar(item, stage));
      }
      return out;
    }
    if (!(v instanceof ConfigObject object)) {
      throw new AuditException("audit.stage." + stage + ".args must be an object of options or a list of arguments");
    }
    for (String key : new TreeSet<>(object.keySet())) {
      ConfigValue value = object.get(key);
      if (value.valueType() == ConfigValueType.NULL) {
        continue;
      }
      if (value.valueType() == ConfigValueType.BOOLEAN) {
        if ((Boolean) value.unwrapped()) {
          out.add("--" + key);
        }
        continue;
      }
      out.add("--" + key);
      if (value instanceof ConfigList list) {
        List<String> items = new ArrayList<>();
        list.forEach(item -> items.add(scalar(item, stage)));
        out.add(String.join(",", items));
      } else {
        out.add(scalar(value, stage));
      }
    }
    return out;
  }

  private static String scalar(ConfigValue v, String stage) {
    if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
      throw new AuditException("audit.stage." + stage + ".args: " + v.render() + " is not a single value");
    }
    return String.valueOf(v.unwrapped());
  }

  private static String optional(Config c, String key) {
    return c.hasPath(key) ? c.getString(key) : null;
  }

  private static String quoted(String key) {
    return "\"" + key + "\"";
  }
}
