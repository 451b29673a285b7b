import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * A warm javac that lives in its own sandbox. Requests on stdin: "length\n" + "fileName\n" + source.
 * Responses on stdout: "length\n" + lines "ok|error", "D\tline\tcolumn\tseverity\tmessage" and
 * "C\tbinaryName\tbase64". Class files never touch a disk; the runner writes them into the run's
 * work directory. Annotation processing is off, so compiling runs no candidate code.
 */
public final class CompileServer {
  public static void main(String[] args) throws IOException {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    StandardJavaFileManager standard = compiler.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
    DataInputStream in = new DataInputStream(System.in);
    OutputStream out = System.out;
    compile(compiler, standard, "Solution.java", "class Solution { int warm(int x) { return java.util.List.of(x).get(0); } }",
        args.length > 0 ? args[0] : ".");
    while (true) {
      String header = readLine(in);
      if (header == null) {
        return;
      }
      String fileName = readLine(in);
      byte[] source = in.readNBytes(Integer.parseInt(header.trim()));
      String response = compile(compiler, standard, fileName, new String(source, StandardCharsets.UTF_8),
          args.length > 0 ? args[0] : ".");
      byte[] body = response.getBytes(StandardCharsets.UTF_8);
      out.write((body.length + "\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
    }
  }

  private static String compile(JavaCompiler compiler, StandardJavaFileManager standard, String fileName,
                                String source, String classPath) {
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Map<String, ByteArrayOutputStream> classes = new LinkedHashMap<>();
    JavaFileObject unit = new SimpleJavaFileObject(URI.create("string:///" + fileName), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    var memory = new ForwardingJavaFileManager<>(standard) {
      @Override
      public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
        return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
          @Override
          public OutputStream openOutputStream() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            classes.put(className, bytes);
            return bytes;
          }
        };
      }
    };
    List<String> options = List.of("-proc:none", "-implicit:none", "-g", "-Xlint:none", "-Xmaxerrs", "50",
        "-encoding", "UTF-8", "-classpath", classPath);
    boolean ok;
    try {
      ok = compiler.getTask(null, memory, diagnostics, options, null, List.of(unit)).call();
    } catch (RuntimeException | VirtualMachineError crash) {
      // A compile-time bomb that exhausts the compiler's heap or stack is the candidate's compile error.
      return "error\nD\t1\t1\terror\t" + escape("the compiler gave up: " + crash.getClass().getSimpleName()) + "\n";
    }
    StringBuilder response = new StringBuilder(ok ? "ok\n" : "error\n");
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() == Diagnostic.Kind.NOTE) {
        continue;
      }
      response.append("D\t").append(d.getLineNumber()).append('\t').append(d.getColumnNumber()).append('\t')
          .append(d.getKind() == Diagnostic.Kind.ERROR ? "error" : "warning").append('\t')
          .append(escape(d.getMessage(Locale.ROOT))).append('\n');
    }
    if (ok) {
      for (Map.Entry<String, ByteArrayOutputStream> c : classes.entrySet()) {
        response.append("C\t").append(c.getKey()).append('\t')
            .append(Base64.getEncoder().encodeToString(c.getValue().toByteArray())).append('\n');
      }
    }
    return response.toString();
  }

  private static String escape(String text) {
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t");
  }

  private static String readLine(DataInputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
      }
      line.write(b);
    }
    return line.toString(StandardCharsets.UTF_8);
  }
}
