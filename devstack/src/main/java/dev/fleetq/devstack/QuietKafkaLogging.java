package dev.fleetq.devstack;

import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Turns Kafka's own logging down to WARN, because an embedded broker logs hundreds of INFO lines
 * (its whole configuration, every partition it loads) that drown the output of {@code fleetq demo}
 * and of every test.
 *
 * <p>Only when Logback is the SLF4J backend, and only for loggers that the application's own
 * Logback configuration leaves unset: an explicit level always wins. Stateless and thread-safe.
 */
final class QuietKafkaLogging {
  static final List<String> KAFKA_LOGGERS =
      List.of("kafka", "org.apache.kafka", "state.change.logger");
  private static final String LOGBACK_CONTEXT = "ch.qos.logback.classic.LoggerContext";

  private QuietKafkaLogging() {}

  static void applyDefaults() {
    if (LoggerFactory.getILoggerFactory().getClass().getName().equals(LOGBACK_CONTEXT)) {
      LogbackLevels.warnUnlessConfigured(KAFKA_LOGGERS);
    }
  }
}
