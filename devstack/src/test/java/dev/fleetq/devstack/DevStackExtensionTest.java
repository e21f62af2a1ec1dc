package dev.fleetq.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two test methods record what they were given; {@code @AfterAll} compares them. */
@WithDevStack
class DevStackExtensionTest {
  private static final List<TestNamespace> namespaces = new CopyOnWriteArrayList<>();
  private static final Set<DevStack> stacks =
      Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

  private TestNamespace beforeEachNamespace;

  @BeforeEach
  void recordNamespaceOfBeforeEach(TestNamespace namespace) {
    beforeEachNamespace = namespace;
  }

  @Test
  void firstTestGetsARunningStackAndItsOwnNamespace(DevStack devStack, TestNamespace namespace) {
    record(devStack, namespace);

    assertThat(devStack.redis().isRunning()).as("shared Redis running").isTrue();
    assertThat(devStack.bootstrapServers()).as("bootstrap servers").startsWith("127.0.0.1:");
  }

  @Test
  void secondTestGetsTheSameStackAndAnotherNamespace(DevStack devStack, TestNamespace namespace) {
    record(devStack, namespace);

    assertThat(namespace.topicPrefix()).as("topic prefix").matches("t[0-9a-f]{6}\\.fleetq\\.");
    assertThat(namespace.keyPrefix()).as("key prefix").matches("t[0-9a-f]{6}:fleetq:");
    assertThat(namespace.topic("units")).as("topic").isEqualTo(namespace.topicPrefix() + "units");
  }

  @AfterAll
  static void eachTestHadItsOwnNamespaceOnOneSharedStack() {
    assertThat(namespaces)
        .as("namespaces given to the two tests")
        .hasSize(2)
        .doesNotHaveDuplicates();
    assertThat(stacks).as("distinct stacks given to the two tests").hasSize(1);
  }

  private void record(DevStack devStack, TestNamespace namespace) {
    assertThat(namespace)
        .as("namespace of the test and of its @BeforeEach")
        .isEqualTo(beforeEachNamespace);
    namespaces.add(namespace);
    stacks.add(devStack);
  }
}
