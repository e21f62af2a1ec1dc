package dev.fleetq.cli;

import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.wire.Topics;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Where a deployable finds Kafka and Redis and under which names, shared by {@code fleetq
 * coordinator} and {@code fleetq worker}. Every flag defaults to the environment variable the Helm
 * chart sets. Filled in by picocli on the main thread.
 */
final class StackOptions {
  static final Duration PREFLIGHT_TIMEOUT = Duration.ofSeconds(10);
  static final String DEFAULT_KAFKA = "127.0.0.1:9092";

  @Option(
      names = "--kafka",
      defaultValue = "${env:FLEETQ_KAFKA_BOOTSTRAP}",
      description =
          "Kafka bootstrap servers (env FLEETQ_KAFKA_BOOTSTRAP; default " + DEFAULT_KAFKA + ").")
  String kafka;

  @Option(
      names = "--redis",
      defaultValue = "${env:FLEETQ_REDIS_URI:-redis://127.0.0.1:6379}",
      description = "Redis URI (env FLEETQ_REDIS_URI; default ${DEFAULT-VALUE}).")
  String redis;

  @Option(
      names = "--work-dir",
      defaultValue = "${env:FLEETQ_WORK_DIR:-fleetq-work}",
      description = "Mirrors, worktrees and logs (env FLEETQ_WORK_DIR; default ${DEFAULT-VALUE}).")
  Path workDir;

  @Option(
      names = "--topic-prefix",
      defaultValue = "${env:FLEETQ_TOPIC_PREFIX:-fleetq.}",
      description =
          "Prefix of the Kafka topics (env FLEETQ_TOPIC_PREFIX; default ${DEFAULT-VALUE}).")
  String topicPrefix;

  @Option(
      names = "--key-prefix",
      defaultValue = "${env:FLEETQ_KEY_PREFIX:-fleetq:}",
      description = "Prefix of the Redis keys (env FLEETQ_KEY_PREFIX; default ${DEFAULT-VALUE}).")
  String keyPrefix;

  /** The Kafka bootstrap servers given, else {@value #DEFAULT_KAFKA}. */
  String kafka() {
    return kafkaGiven() ? kafka : DEFAULT_KAFKA;
  }

  /** Whether {@code --kafka} or {@code FLEETQ_KAFKA_BOOTSTRAP} named the servers. */
  boolean kafkaGiven() {
    return kafka != null;
  }

  Topics topics() {
    return new Topics(topicPrefix);
  }

  RedisKeys keys() {
    return new RedisKeys(keyPrefix);
  }

  Path absoluteWorkDir() {
    return workDir.toAbsolutePath();
  }

  /**
   * Checks that Kafka and Redis answer; on failure prints one sentence naming the address.
   *
   * @return whether both answered
   */
  boolean reachable(String command) {
    try {
      Preflight.requireKafka(kafka(), PREFLIGHT_TIMEOUT);
      Preflight.requireRedis(redis, PREFLIGHT_TIMEOUT);
      return true;
    } catch (Preflight.Unreachable e) {
      System.err.println("fleetq " + command + ": " + e.getMessage());
      return false;
    }
  }
}
