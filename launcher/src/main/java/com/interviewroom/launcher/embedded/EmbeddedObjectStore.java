package com.interviewroom.launcher.embedded;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.CrossOriginResourceSharing;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * An S3-compatible endpoint (S3Proxy) over the file system in {@code DATA_DIR/s3}, on loopback,
 * with CORS open to presigned reads and writes from the browser. S3Proxy refuses the server-side
 * encryption header (501): {@code ObjectStore#ensureBucket} detects it and uploads without.
 */
public final class EmbeddedObjectStore implements AutoCloseable {
  private final S3Proxy proxy;
  private final BlobStoreContext context;
  private final int port;

  private EmbeddedObjectStore(S3Proxy proxy, BlobStoreContext context, int port) {
    this.proxy = proxy;
    this.context = context;
    this.port = port;
  }

  /** Blocking. */
  public static EmbeddedObjectStore start(
      Path dataDir, int port, String accessKey, String secretKey) throws Exception {
    Path dir = dataDir.resolve("s3");
    Files.createDirectories(dir);
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", dir.toAbsolutePath().toString());
    BlobStoreContext context =
        ContextBuilder.newBuilder("filesystem").overrides(properties).build(BlobStoreContext.class);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:" + port))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
            // the web app fetch()es recordings from presigned URLs on another origin (this port);
            // the signature in the URL is the authorisation, so any origin may read what it was
            // handed
            .corsRules(
                new CrossOriginResourceSharing(
                    List.of("*"),
                    List.of("GET", "HEAD", "PUT"),
                    List.of("*"),
                    List.of("ETag", "Content-Length", "Content-Range", "Accept-Ranges"),
                    ""))
            .build();
    proxy.start();
    while (!proxy.getState().equals("STARTED")) {
      Thread.sleep(10);
    }
    return new EmbeddedObjectStore(proxy, context, proxy.getPort());
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}
