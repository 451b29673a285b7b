package com.interviewroom.common.storage;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/**
 * The S3-compatible store (S3Proxy in the embedded default). The AWS SDK client blocks, so every
 * network call runs on a worker thread (or, for {@link #putBlocking}, the caller's own thread);
 * presigning is pure computation. Presigned URLs name {@code S3_PUBLIC_ENDPOINT}, the address a
 * browser reaches, which may differ from the one this process uses.
 */
public final class ObjectStore implements AutoCloseable {
  public static final Duration PRESIGN_TTL = Duration.ofMinutes(10);

  /** What may be stored: recordings only, for now. */
  public static final Set<String> CONTENT_TYPES = Set.of("audio/wav");

  private final Vertx vertx;
  private final String bucket;
  private final S3Client client;
  private final S3Presigner presigner;

  /** Where the encryption probe writes (outside {@code u/}): an empty object, deleted at once. */
  static final String PROBE_KEY = "probe/server-side-encryption";

  private static final Logger log = LoggerFactory.getLogger(ObjectStore.class);
  private volatile boolean encrypted;
  private final long maxObjectBytes;

  public ObjectStore(Vertx vertx, Config.S3 cfg) {
    this(vertx, cfg, Config.Recording.DEFAULTS);
  }

  public ObjectStore(Vertx vertx, Config.S3 cfg, Config.Recording recording) {
    this.vertx = vertx;
    this.bucket = cfg.bucket();
    this.encrypted = recording.encrypted();
    this.maxObjectBytes = recording.maxObjectBytes();
    var credentials =
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(cfg.accessKey(), cfg.secretKey()));
    var pathStyle = S3Configuration.builder().pathStyleAccessEnabled(true).build();
    this.client =
        S3Client.builder()
            .endpointOverride(URI.create(cfg.endpoint()))
            .region(Region.of(cfg.region()))
            .credentialsProvider(credentials)
            // over plain HTTP the SDK signs the payload; in aws-chunked framing even an empty body
            // is 86 bytes written after the headers, and a store that answers on the headers alone
            // (S3Proxy's 501 to the encryption probe) may close the connection before they are
            // written: the client then fails with "Error writing request body to server" instead of
            // reading the answer. Whole-payload signing sends an empty body as no body at all.
            .serviceConfiguration(
                S3Configuration.builder()
                    .pathStyleAccessEnabled(true)
                    .chunkedEncodingEnabled(false)
                    .build())
            // S3Proxy checks x-amz-content-sha256 and knows no trailing (aws-chunked) checksums;
            // real S3 accepts both
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(2))
                    .socketTimeout(Duration.ofSeconds(10)))
            .build();
    this.presigner =
        S3Presigner.builder()
            .endpointOverride(
                URI.create(
                    recording.publicEndpoint() != null
                        ? recording.publicEndpoint()
                        : cfg.endpoint()))
            .region(Region.of(cfg.region()))
            .credentialsProvider(credentials)
            .serviceConfiguration(pathStyle)
            .build();
    // the first presign loads and initialises the signer (a few hundred ms): here, at start, not on
    // an event loop
    presignGet(PROBE_KEY);
  }

  /**
   * An upload a client may make: PUT {@code url} with exactly these headers (the signature covers
   * them).
   */
  public record PresignedUpload(String url, Map<String, String> headers) {}

  /**
   * Creates the bucket when missing (embedded default and first start), then checks that the store
   * accepts the server-side encryption header: S3Proxy (the embedded store) answers 501 to it, and
   * MinIO without a KMS refuses it too. Such a store gets uploads without the header, and a warning
   * in the log says so (set {@code S3_SSE=none} to state it on purpose).
   */
  public Future<Void> ensureBucket() {
    return vertx.executeBlocking(
        () -> {
          try {
            client.headBucket(HeadBucketRequest.builder().bucket(bucket).build());
          } catch (NoSuchBucketException e) {
            try {
              client.createBucket(b -> b.bucket(bucket));
            } catch (BucketAlreadyOwnedByYouException raced) {
              // another instance created it first
            }
          }
          if (encrypted) {
            probeEncryption();
          }
          return null;
        },
        false);
  }

  private void probeEncryption() {
    String key = PROBE_KEY;
    try {
      client.putObject(
          PutObjectRequest.builder()
              .bucket(bucket)
              .key(key)
              .contentType("audio/wav")
              .serverSideEncryption(ServerSideEncryption.AES256)
              .build(),
          RequestBody.fromBytes(new byte[0]));
      client.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(key).build());
    } catch (S3Exception refused) {
      if (refused.statusCode() == 501 || refused.statusCode() == 400) {
        encrypted = false;
        log.warn(
            "the object store refuses server-side encryption (S3_SSE=AES256); objects are stored without it {} {}",
            kv("status", refused.statusCode()),
            kv(
                "code",
                refused.awsErrorDetails() == null ? "" : refused.awsErrorDetails().errorCode()));
      } else {
        // e.g. 403 from a policy that only allows u/*: nothing learnt, uploads keep requesting it
        log.warn(
            "the object store's encryption support could not be probed; uploads request it {} {}",
            kv("status", refused.statusCode()),
            kv(
                "code",
                refused.awsErrorDetails() == null ? "" : refused.awsErrorDetails().errorCode()));
      }
    }
  }

  /**
   * True while uploads request server-side encryption ({@code S3_SSE=AES256} and the store accepts
   * it).
   */
  public boolean encryptionRequested() {
    return encrypted;
  }

  /** Readiness: the bucket answers. */
  public Future<Void> check() {
    return vertx.executeBlocking(
        () -> {
          client.headBucket(HeadBucketRequest.builder().bucket(bucket).build());
          return null;
        },
        false);
  }

  /**
   * Every user object lives under this prefix: {@code u/{userId}/s/{sessionId}/{ts}/{basename}}.
   */
  public static final String USER_PREFIX = "u/";

  /** The prefix of all of one user's objects. */
  public static String userPrefix(java.util.UUID userId) {
    return USER_PREFIX + userId + "/";
  }

  /**
   * Deletes objects under {@code prefix} last modified before {@code before} (null: all of them),
   * at most {@code max}; completes with how many were deleted. Runs on a worker thread. One {@code
   * DeleteObject} per key: the multi-object delete needs a checksum header S3Proxy (the embedded
   * store) refuses with 501. Keys ending in {@code /} are skipped: they are the directories
   * S3Proxy's file-system store lists, not objects (we never write such keys).
   */
  public Future<Integer> deleteUnder(String prefix, Instant before, int max) {
    return vertx.executeBlocking(
        () -> {
          List<String> keys = new ArrayList<>();
          String token = null;
          do {
            ListObjectsV2Response page =
                client.listObjectsV2(
                    ListObjectsV2Request.builder()
                        .bucket(bucket)
                        .prefix(prefix)
                        .continuationToken(token)
                        .maxKeys(1000)
                        .build());
            for (S3Object object : page.contents()) {
              if (keys.size() < max
                  && !object.key().endsWith("/")
                  && (before == null || object.lastModified().isBefore(before))) {
                keys.add(object.key());
              }
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
          } while (token != null && keys.size() < max);
          for (String key : keys) {
            client.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(key).build());
          }
          return keys.size();
        },
        false);
  }

  /**
   * Stores {@code length} bytes of {@code data} under {@code key}: an allowed content type, at most
   * {@code RECORDING_MAX_OBJECT_BYTES}, server-side encryption requested ({@code S3_SSE}).
   * Blocking: call from a thread of your own, never an event loop.
   */
  public void putBlocking(String key, byte[] data, int length, String contentType) {
    checkObject(contentType, length);
    PutObjectRequest.Builder request =
        PutObjectRequest.builder()
            .bucket(bucket)
            .key(key)
            .contentType(contentType)
            .contentLength((long) length);
    if (encrypted) {
      request.serverSideEncryption(ServerSideEncryption.AES256);
    }
    client.putObject(
        request.build(),
        RequestBody.fromContentProvider(
            () -> new ByteArrayInputStream(data, 0, length), length, contentType));
  }

  /**
   * As {@link #putBlocking(String, byte[], int, String)}, streaming a file of exactly {@code
   * length} bytes.
   */
  public void putBlocking(String key, java.nio.file.Path file, int length, String contentType) {
    checkObject(contentType, length);
    PutObjectRequest.Builder request =
        PutObjectRequest.builder()
            .bucket(bucket)
            .key(key)
            .contentType(contentType)
            .contentLength((long) length);
    if (encrypted) {
      request.serverSideEncryption(ServerSideEncryption.AES256);
    }
    client.putObject(request.build(), RequestBody.fromFile(file));
  }

  /**
   * A presigned PUT for a client upload (none uploads today: recordings are written by the realtime
   * node; docs/api.md, "Uploads"). The signature covers the content type, the exact length and the
   * encryption header, so a request with another type or size is refused by the store.
   */
  public PresignedUpload presignPut(String key, String contentType, long contentLength) {
    checkObject(contentType, contentLength);
    PutObjectRequest.Builder request =
        PutObjectRequest.builder()
            .bucket(bucket)
            .key(key)
            .contentType(contentType)
            .contentLength(contentLength);
    if (encrypted) {
      request.serverSideEncryption(ServerSideEncryption.AES256);
    }
    PresignedPutObjectRequest presigned =
        presigner.presignPutObject(
            p -> p.signatureDuration(PRESIGN_TTL).putObjectRequest(request.build()));
    Map<String, String> headers = new TreeMap<>();
    presigned
        .signedHeaders()
        .forEach(
            (name, values) -> {
              if (!"host".equalsIgnoreCase(name)) {
                headers.put(name, String.join(",", values));
              }
            });
    return new PresignedUpload(presigned.url().toString(), Map.copyOf(headers));
  }

  private void checkObject(String contentType, long length) {
    if (!CONTENT_TYPES.contains(contentType)) {
      throw new IllegalArgumentException("content type not allowed in the store: " + contentType);
    }
    if (length < 0 || length > maxObjectBytes) {
      throw new IllegalArgumentException(
          "object of " + length + " bytes is over the cap of " + maxObjectBytes);
    }
  }

  public String presignGet(String key) {
    return presigner
        .presignGetObject(
            p ->
                p.signatureDuration(PRESIGN_TTL)
                    .getObjectRequest(GetObjectRequest.builder().bucket(bucket).key(key).build()))
        .url()
        .toString();
  }

  @Override
  public void close() {
    presigner.close();
    client.close();
  }
}
