package dev.fleetq.cli.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the demo's terminal for the progress: fleetq logs at WARN and Kafka at ERROR, unless {@code
 * --verbose} asks for fleetq's INFO. Stateless; called once, on the main thread, before anything
 * logs.
 */
final class DemoLogging {
  static final String LOG4J_CONTEXT_FACTORY = "log4j2.loggerContextFactory";
  static final String LOG4J_SIMPLE_FACTORY =
      "org.apache.logging.log4j.simple.SimpleLoggerContextFactory";

  private DemoLogging() {}

  static void quiet(boolean verbose) {
    quietBroker();
    level("dev.fleetq", verbose ? Level.INFO : Level.WARN);
  }

  /** Keeps the embedded broker's own logging to errors, leaving fleetq's levels alone. */
  static void quietBroker() {
    // Part of the broker logs through the Log4j API, which finds no backend here and says so on
    // stderr; naming its simple backend up front keeps that line off the user's terminal.
    if (System.getProperty(LOG4J_CONTEXT_FACTORY) == null) {
      System.setProperty(LOG4J_CONTEXT_FACTORY, LOG4J_SIMPLE_FACTORY);
    }
    level("kafka", Level.ERROR);
    level("org.apache.kafka", Level.ERROR);
    level("state.change.logger", Level.ERROR);
    level("org.redisson", Level.WARN);
  }

  private static void level(String name, Level level) {
    if (LoggerFactory.getLogger(name) instanceof Logger logger) {
      logger.setLevel(level);
    }
  }
}
