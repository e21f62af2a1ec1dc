package dev.fleetq.devstack;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The part of {@link QuietKafkaLogging} that needs Logback's classes; loaded only once Logback is
 * known to be the SLF4J backend, since devstack does not bring Logback to its users.
 *
 * <p>Stateless and thread-safe.
 */
final class LogbackLevels {
  private LogbackLevels() {}

  static void warnUnlessConfigured(List<String> loggerNames) {
    for (String name : loggerNames) {
      Logger logger = (Logger) LoggerFactory.getLogger(name);
      if (logger.getLevel() == null) {
        logger.setLevel(Level.WARN);
      }
    }
  }
}
