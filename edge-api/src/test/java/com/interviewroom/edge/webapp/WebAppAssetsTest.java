package com.interviewroom.edge.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web app read from a packaged jar, as the runnable jar serves it. */
class WebAppAssetsTest {
  private static final String SHELL =
      "<script type=\"importmap\">{{IMPORT_MAP}}</script><script type=\"module\" src=\"{{ASSETS}}/app/main.js\"></script>";

  @TempDir Path dir;

  @Test
  @DisplayName(
      "from a jar: every file under webapp/ is served, the template is filled, the build id follows the content")
  void readsAJar() throws Exception {
    WebAppAssets first = fromJar("first.jar", "console.log(1);");
    assertThat(first.buildId()).matches("[0-9a-f]{12}");
    assertThat(first.shell())
        .contains("src=\"/assets/" + first.buildId() + "/app/main.js\"")
        .doesNotContain("{{");
    assertThat(first.asset("app/main.js").body().toString(StandardCharsets.UTF_8))
        .isEqualTo("console.log(1);");
    assertThat(first.asset("app/main.js").contentType())
        .isEqualTo("text/javascript; charset=utf-8");
    assertThat(first.asset("index.html")).as("the template is only served filled in").isNull();
    assertThat(first.asset("app/missing.js")).isNull();

    WebAppAssets changed = fromJar("second.jar", "console.log(2);");
    assertThat(changed.buildId())
        .as("a changed file changes every asset URL")
        .isNotEqualTo(first.buildId());
    assertThat(fromJar("third.jar", "console.log(1);").buildId())
        .as("same content, same id")
        .isEqualTo(first.buildId());
  }

  @Test
  @DisplayName(
      "the import map names each WebJar at the version on the classpath, and the CSP hash is the map's SHA-256")
  void importMapAndHash() throws Exception {
    WebAppAssets assets = fromJar("app.jar", "");
    assertThat(assets.importMap())
        .containsPattern(
            "\"@codemirror/view\":\"/webjars/codemirror__view/\\d+\\.\\d+\\.\\d+/dist/index\\.js\"")
        .containsPattern(
            "\"dompurify\":\"/webjars/dompurify/\\d+\\.\\d+\\.\\d+/dist/purify\\.es\\.mjs\"")
        .containsPattern(
            "\"@codemirror/legacy-modes/\":\"/webjars/codemirror__legacy-modes/\\d+\\.\\d+\\.\\d+/\"");
    byte[] digest =
        MessageDigest.getInstance("SHA-256")
            .digest(assets.importMap().getBytes(StandardCharsets.UTF_8));
    assertThat(assets.importMapHash())
        .isEqualTo("'sha256-" + Base64.getEncoder().encodeToString(digest) + "'");
    assertThat(assets.shell())
        .contains("<script type=\"importmap\">" + assets.importMap() + "</script>");
    String view = assets.importMap().replaceAll(".*codemirror__view/([^/]+)/.*", "$1");
    assertThat(assets.servesWebjar("codemirror__view", view)).isTrue();
    assertThat(assets.servesWebjar("codemirror__view", "0.0.1")).as("another version").isFalse();
    assertThat(assets.servesWebjar("jquery", view)).as("a jar outside the map").isFalse();
  }

  private WebAppAssets fromJar(String name, String mainJs) throws IOException {
    Path jar = dir.resolve(name);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("webapp/"));
      out.closeEntry();
      out.putNextEntry(new JarEntry("webapp/index.html"));
      out.write(SHELL.getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
      out.putNextEntry(new JarEntry("webapp/app/main.js"));
      out.write(mainJs.getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    // the jar first, so its webapp/ wins over the module's own; the WebJars come from the parent
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader()) {
          @Override
          public URL getResource(String resource) {
            URL own = findResource(resource);
            return own != null ? own : super.getResource(resource);
          }
        }) {
      return WebAppAssets.load(loader);
    }
  }
}
