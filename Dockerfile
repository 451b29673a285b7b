# syntax=docker/dockerfile:1
# Build: the whole reactor with its tests skipped (CI runs them), one runnable jar.
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q install -DskipTests

FROM node:22-bookworm-slim AS node

# Runtime: JDK 21 (also compiles candidates' Java), Python 3.12 (Ubuntu noble), Node 22, bubblewrap.
FROM eclipse-temurin:21-jdk-noble
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3.12 bubblewrap util-linux ca-certificates \
 && ln -sf /usr/bin/python3.12 /usr/bin/python3 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /app interviewroom
COPY --from=node /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
COPY --from=build /src/launcher/target/interviewroom.jar /app/interviewroom.jar
ENV DATA_DIR=/data PORT=8080
VOLUME /data
EXPOSE 8080
# JVM flags go before -jar; everything else comes from the environment. Generational ZGC keeps GC
# pauses far under the voice relay's 10 ms budget (docs/benchmarks.md: G1's young pauses were not).
ENTRYPOINT ["java", "-XX:+UseZGC", "-XX:+ZGenerational", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/interviewroom.jar"]
