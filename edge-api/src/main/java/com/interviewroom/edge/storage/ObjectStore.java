package com.interviewroom.edge.storage;

import com.interviewroom.common.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The S3-compatible store (S3Proxy in the embedded default). The AWS SDK client blocks, so every
 * network call runs on a worker thread; presigning is pure computation.
 */
public final class ObjectStore implements AutoCloseable {
  public static final Duration PRESIGN_TTL = Duration.ofMinutes(10);
  private final Vertx vertx;
  private final String bucket;
  private final S3Client client;
  private final S3Presigner presigner;

  public ObjectStore(Vertx vertx, Config.S3 cfg) {
    this.vertx = vertx;
    this.bucket = cfg.bucket();
    var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(cfg.accessKey(), cfg.secretKey()));
    var pathStyle = S3Configuration.builder().pathStyleAccessEnabled(true).build();
    this.client = S3Client.builder()
        .endpointOverride(URI.create(cfg.endpoint()))
        .region(Region.of(cfg.region()))
        .credentialsProvider(credentials)
        .serviceConfiguration(pathStyle)
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(2))
            .socketTimeout(Duration.ofSeconds(5)))
        .build();
    this.presigner = S3Presigner.builder()
        .endpointOverride(URI.create(cfg.endpoint()))
        .region(Region.of(cfg.region()))
        .credentialsProvider(credentials)
        .serviceConfiguration(pathStyle)
        .build();
  }

  /** Creates the bucket when missing (embedded default and first start). */
  public Future<Void> ensureBucket() {
    return vertx.executeBlocking(() -> {
      try {
        client.headBucket(HeadBucketRequest.builder().bucket(bucket).build());
      } catch (NoSuchBucketException e) {
        try {
          client.createBucket(b -> b.bucket(bucket));
        } catch (BucketAlreadyOwnedByYouException raced) {
          // another instance created it first
        }
      }
      return null;
    }, false);
  }

  /** Readiness: the bucket answers. */
  public Future<Void> check() {
    return vertx.executeBlocking(() -> {
      client.headBucket(HeadBucketRequest.builder().bucket(bucket).build());
      return null;
    }, false);
  }

  /** Every user object lives under this prefix: {@code u/{userId}/s/{sessionId}/{ts}/{basename}}. */
  public static final String USER_PREFIX = "u/";

  /** The prefix of all of one user's objects. */
  public static String userPrefix(java.util.UUID userId) {
    return USER_PREFIX + userId + "/";
  }

  /**
   * Deletes objects under {@code prefix} last modified before {@code before} (null: all of them),
   * at most {@code max}; completes with how many were deleted. Runs on a worker thread. One
   * {@code DeleteObject} per key: the multi-object delete needs a checksum header S3Proxy (the
   * embedded store) refuses with 501. Keys ending in {@code /} are skipped: they are the directories
   * S3Proxy's file-system store lists, not objects (we never write such keys).
   */
  public Future<Integer> deleteUnder(String prefix, Instant before, int max) {
    return vertx.executeBlocking(() -> {
      List<String> keys = new ArrayList<>();
      String token = null;
      do {
        ListObjectsV2Response page = client.listObjectsV2(ListObjectsV2Request.builder()
            .bucket(bucket).prefix(prefix).continuationToken(token).maxKeys(1000).build());
        for (S3Object object : page.contents()) {
          if (keys.size() < max && !object.key().endsWith("/") && (before == null || object.lastModified().isBefore(before))) {
            keys.add(object.key());
          }
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null && keys.size() < max);
      for (String key : keys) {
        client.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(key).build());
      }
      return keys.size();
    }, false);
  }

  public String presignPut(String key, String contentType) {
    return presigner.presignPutObject(p -> p.signatureDuration(PRESIGN_TTL)
        .putObjectRequest(PutObjectRequest.builder().bucket(bucket).key(key).contentType(contentType).build()))
        .url().toString();
  }

  public String presignGet(String key) {
    return presigner.presignGetObject(p -> p.signatureDuration(PRESIGN_TTL)
        .getObjectRequest(GetObjectRequest.builder().bucket(bucket).key(key).build()))
        .url().toString();
  }

  @Override
  public void close() {
    presigner.close();
    client.close();
  }
}
