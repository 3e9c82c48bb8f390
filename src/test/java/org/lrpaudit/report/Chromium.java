package org.lrpaudit.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.lrpaudit.audit.AuditFixtures;
import org.lrpaudit.model.CheckpointWriter;

/**
 * Headless Chromium (Debian package chromium) for the dashboard tests: the DOM after loading a page, with every
 * console message the page produced (Chromium logs them as ":CONSOLE" lines with --enable-logging=stderr), and
 * screenshots. A fresh profile folder per run; no network, no sync, no component updates.
 */
final class Chromium {
  private Chromium() {}

  /** The serialized DOM and the console messages of one page load. */
  record Load(String dom, List<String> console) {}

  static String binary() {
    return AuditFixtures.executable(List.of("/usr/bin/chromium", "/usr/bin/chromium-browser"), "headless Chromium is "
        + "needed by this test and was not found: install the Debian package chromium (apt-get install -y chromium; "
        + ".ci/run installs it)");
  }

  static Load load(Path page) throws IOException, InterruptedException {
    Path err = Files.createTempFile("chromium", ".err");
    Path out = Files.createTempFile("chromium", ".dom");
    run(err, out, "--enable-logging=stderr", "--v=0", "--dump-dom", page.toUri().toString());
    List<String> console = new ArrayList<>();
    for (String line : Files.readAllLines(err, StandardCharsets.UTF_8)) {
      if (line.contains(":CONSOLE")) {
        console.add(line);
      }
    }
    String dom = Files.readString(out, StandardCharsets.UTF_8);
    Files.delete(err);
    Files.delete(out);
    return new Load(dom, console);
  }

  static void screenshot(Path page, Path png, int width, int height) throws IOException, InterruptedException {
    Files.deleteIfExists(png);
    Path err = Files.createTempFile("chromium", ".err");
    run(err, null, "--hide-scrollbars", "--window-size=" + width + "," + height,
        "--screenshot=" + png.toAbsolutePath(), page.toUri().toString());
    Files.delete(err);
  }

  private static void run(Path err, Path out, String... args) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("chromium-profile");
    try {
      List<String> cmd = new ArrayList<>(List.of(binary(), "--headless", "--no-sandbox", "--disable-gpu",
          "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--user-data-dir=" + profile));
      cmd.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
      pb.redirectOutput(out == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(out.toFile()));
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("chromium did not finish within 120 s: " + String.join(" ", cmd));
      }
      if (p.exitValue() != 0) {
        throw new AssertionError("chromium exited with " + p.exitValue() + ": " + Files.readString(err));
      }
    } finally {
      CheckpointWriter.deleteTree(profile);
    }
  }
}
