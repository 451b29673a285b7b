package com.interviewroom.edge.webapp;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The candidate web app as the edge serves it: every file under the classpath folder {@code
 * webapp/} read once into memory, a build id hashed from their bytes (so a changed file changes
 * every asset URL and a long cache is safe), the import map built from the WebJar versions on the
 * classpath, and the HTML shell with both filled in.
 */
public final class WebAppAssets {
  /** Classpath folder of the app's own files. */
  static final String ROOT = "webapp/";

  /** URL prefix of the app's own files; the build id follows it. */
  public static final String ASSETS_PREFIX = "/assets/";

  /** URL prefix of the WebJars (their version is part of the path). */
  public static final String WEBJARS_PREFIX = "/webjars/";

  /**
   * Bare module specifier → (WebJar artifact, file inside it, or "" for a folder mapping). The
   * version comes from the jar's own {@code pom.properties}, so edge-api/pom.xml is the one place a
   * library's version is written.
   */
  static final Map<String, String[]> IMPORTS = imports();

  private final Map<String, Asset> files;
  private final String buildId;
  private final Map<String, String> webjarVersions;
  private final String importMap;
  private final String shell;

  /** One file of the app: its bytes and its content type. */
  public record Asset(Buffer body, String contentType) {}

  private WebAppAssets(Map<String, Asset> files, ClassLoader loader) {
    this.files = files;
    this.buildId = buildIdOf(files);
    this.webjarVersions = webjarVersions(loader);
    this.importMap = importMapJson(webjarVersions);
    Asset template = files.get("index.html");
    if (template == null) {
      throw new IllegalStateException("classpath " + ROOT + "index.html is missing");
    }
    this.shell =
        template
            .body()
            .toString(StandardCharsets.UTF_8)
            .replace("{{IMPORT_MAP}}", importMap)
            .replace("{{ASSETS}}", ASSETS_PREFIX + buildId);
  }

  private static volatile WebAppAssets shared;

  /**
   * Reads {@code webapp/} from the classpath (a folder in development, the jar when packaged).
   * Blocking.
   */
  public static WebAppAssets load() {
    return load(WebAppAssets.class.getClassLoader());
  }

  /** The same from the given class loader (a test reads a packaged jar this way). Blocking. */
  static WebAppAssets load(ClassLoader loader) {
    return new WebAppAssets(readTree(loader), loader);
  }

  /** The one copy per JVM (the classpath does not change while it runs). Blocking on first use. */
  public static WebAppAssets shared() {
    WebAppAssets assets = shared;
    if (assets == null) {
      synchronized (WebAppAssets.class) {
        if (shared == null) {
          shared = load();
        }
        assets = shared;
      }
    }
    return assets;
  }

  public String buildId() {
    return buildId;
  }

  /** The HTML page every app route answers with. */
  public String shell() {
    return shell;
  }

  /** The inline import map's text, whose hash the CSP allows (and nothing else inline). */
  public String importMap() {
    return importMap;
  }

  /** The CSP source allowing exactly the import map. */
  public String importMapHash() {
    return "'sha256-"
        + Base64.getEncoder().encodeToString(sha256(importMap.getBytes(StandardCharsets.UTF_8)))
        + "'";
  }

  /** A file of the app by its path below {@code webapp/} (never the HTML template), or null. */
  public Asset asset(String path) {
    if ("index.html".equals(path)) {
      return null;
    }
    return files.get(path);
  }

  /**
   * True for the WebJars named in the import map at their version: nothing else on the classpath is
   * served.
   */
  public boolean servesWebjar(String artifact, String version) {
    return version.equals(webjarVersions.get(artifact));
  }

  private static Map<String, String[]> imports() {
    Map<String, String[]> m = new LinkedHashMap<>();
    m.put("@codemirror/state", new String[] {"codemirror__state", "dist/index.js"});
    m.put("@codemirror/view", new String[] {"codemirror__view", "dist/index.js"});
    m.put("@codemirror/language", new String[] {"codemirror__language", "dist/index.js"});
    m.put("@codemirror/commands", new String[] {"codemirror__commands", "dist/index.js"});
    m.put("@codemirror/legacy-modes/", new String[] {"codemirror__legacy-modes", ""});
    m.put("@lezer/common", new String[] {"lezer__common", "dist/index.js"});
    m.put("@lezer/highlight", new String[] {"lezer__highlight", "dist/index.js"});
    m.put("@lezer/lr", new String[] {"lezer__lr", "dist/index.js"});
    m.put(
        "@marijn/find-cluster-break", new String[] {"marijn__find-cluster-break", "src/index.js"});
    m.put("style-mod", new String[] {"style-mod", "src/style-mod.js"});
    m.put("w3c-keyname", new String[] {"w3c-keyname", "index.js"});
    m.put("crelt", new String[] {"crelt", "index.js"});
    m.put("marked", new String[] {"marked", "lib/marked.esm.js"});
    m.put("dompurify", new String[] {"dompurify", "dist/purify.es.mjs"});
    m.put("chart.js", new String[] {"chart.js", "dist/chart.js"});
    m.put("@kurkle/color", new String[] {"kurkle__color", "dist/color.esm.js"});
    return m;
  }

  private static Map<String, String> webjarVersions(ClassLoader loader) {
    Map<String, String> versions = new TreeMap<>();
    for (String[] target : IMPORTS.values()) {
      String artifact = target[0];
      String resource = "META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
      try (InputStream in = loader.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException(
              "the WebJar org.webjars.npm:" + artifact + " is not on the classpath");
        }
        Properties props = new Properties();
        props.load(in);
        versions.put(artifact, props.getProperty("version"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return versions;
  }

  private static String importMapJson(Map<String, String> versions) {
    JsonObject imports = new JsonObject();
    IMPORTS.forEach(
        (specifier, target) ->
            imports.put(
                specifier,
                WEBJARS_PREFIX + target[0] + "/" + versions.get(target[0]) + "/" + target[1]));
    return new JsonObject().put("imports", imports).encode();
  }

  private static String buildIdOf(Map<String, Asset> files) {
    MessageDigest digest = digest();
    files.forEach(
        (path, asset) -> {
          digest.update(path.getBytes(StandardCharsets.UTF_8));
          digest.update(asset.body().getBytes());
        });
    return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
  }

  private static Map<String, Asset> readTree(ClassLoader loader) {
    URL root = loader.getResource(ROOT + "index.html");
    if (root == null) {
      throw new IllegalStateException("classpath " + ROOT + "index.html is missing");
    }
    Map<String, Asset> files = new TreeMap<>();
    try {
      if ("jar".equals(root.getProtocol())) {
        JarURLConnection connection = (JarURLConnection) root.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
          for (JarEntry entry : jar.stream().toList()) {
            if (!entry.isDirectory() && entry.getName().startsWith(ROOT)) {
              try (InputStream in = jar.getInputStream(entry)) {
                String path = entry.getName().substring(ROOT.length());
                files.put(path, new Asset(Buffer.buffer(in.readAllBytes()), contentType(path)));
              }
            }
          }
        }
      } else {
        Path dir = Path.of(root.toURI()).getParent();
        try (Stream<Path> walk = Files.walk(dir)) {
          for (Path file : walk.filter(Files::isRegularFile).toList()) {
            String path = dir.relativize(file).toString().replace('\\', '/');
            files.put(path, new Asset(Buffer.buffer(Files.readAllBytes(file)), contentType(path)));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return files;
  }

  static String contentType(String path) {
    int dot = path.lastIndexOf('.');
    String ext = dot < 0 ? "" : path.substring(dot + 1);
    return switch (ext) {
      case "html" -> "text/html; charset=utf-8";
      case "js", "mjs" -> "text/javascript; charset=utf-8";
      case "css" -> "text/css; charset=utf-8";
      case "svg" -> "image/svg+xml";
      case "png" -> "image/png";
      case "json", "webmanifest" -> "application/json";
      case "txt" -> "text/plain; charset=utf-8";
      case "ico" -> "image/x-icon";
      default -> "application/octet-stream";
    };
  }

  private static byte[] sha256(byte[] bytes) {
    return digest().digest(bytes);
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
