package dev.fleetq.devstack.junit;

import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.DevStackConfig;
import dev.fleetq.devstack.EmbeddedKafkaConfig;
import java.time.Duration;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one {@link DevStack} (Kafka broker and Redis server) per test JVM, the first time a test
 * class asks for it, and closes it when the JVM's tests are done; resolves {@link DevStack} and
 * {@link TestNamespace} parameters.
 *
 * <p>One stack for all classes keeps the suite fast (a broker takes seconds to start); {@link
 * TestNamespace} keeps the tests apart on it. Each test method gets its own namespace, which its
 * {@code @BeforeEach} and {@code @AfterEach} methods share; a {@code @BeforeAll} method gets one
 * for the class.
 *
 * <p>Thread-safe: JUnit's root store starts the stack at most once, even under parallel execution.
 */
public final class DevStackExtension implements BeforeAllCallback, ParameterResolver {
  /**
   * The broker's default share record lock in tests: short, so that a test of a crashed consumer
   * sees its records handed on within seconds; a group may set its own (see {@link ShareGroups}).
   */
  public static final Duration SHARE_RECORD_LOCK_DURATION = Duration.ofSeconds(5);

  private static final Namespace NAMESPACE = Namespace.create(DevStackExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    devStack(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == DevStack.class || type == TestNamespace.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (parameter.getParameter().getType() == DevStack.class) {
      return devStack(context);
    }
    return namespace(context);
  }

  /** The test JVM's shared stack, started on first use. */
  public static DevStack devStack(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(DevStack.class, type -> DevStack.start(config()), DevStack.class);
  }

  private static TestNamespace namespace(ExtensionContext context) {
    // Keyed by the context's id, because a store lookup falls back to the parent context's value
    // and
    // every method would otherwise inherit the class's namespace.
    String key = TestNamespace.class.getName() + "/" + context.getUniqueId();
    return context
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(key, ignored -> TestNamespace.random(), TestNamespace.class);
  }

  private static DevStackConfig config() {
    return DevStackConfig.defaults()
        .withKafka(
            EmbeddedKafkaConfig.defaults().withShareRecordLockDuration(SHARE_RECORD_LOCK_DURATION));
  }
}
