package dev.fleetq.coordinator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.coordinator.testing.Harness;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.model.ModelFixtures;
import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.state.GateBaseline;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.client.codec.StringCodec;

/** The planner and the gate share {@code gate:{repoId}}; the newest measurement wins. */
@WithDevStack
class BaselinesTest {
  private static final RepoId REPO = ModelFixtures.aRepoSpec().repoId();

  private Harness harness;
  private Baselines baselines;

  @BeforeEach
  void setUp(DevStack stack, TestNamespace namespace, @TempDir Path dir) {
    harness = new Harness(stack, namespace, dir);
    baselines = new Baselines(harness.redis(), harness.keys());
  }

  @AfterEach
  void tearDown() {
    harness.close();
  }

  @Test
  void plannersSlowMeasurementOfAnOlderMainDoesNotReplaceTheGatesLanding() {
    GateBaseline planners = baseline('a', 0);
    GateBaseline landing = baseline('b', 60);

    assertThat(baselines.offer(landing)).as("the landing's baseline stored").isTrue();
    assertThat(baselines.offer(planners)).as("the planner's older baseline stored").isFalse();
    assertThat(baselines.current(REPO)).as("baseline").contains(landing);
  }

  @Test
  void gatesLandingReplacesAnOlderBaseline() {
    GateBaseline planners = baseline('a', 0);
    GateBaseline landing = baseline('b', 60);

    assertThat(baselines.offer(planners)).as("the planner's baseline stored").isTrue();
    assertThat(baselines.offer(landing)).as("the landing's baseline stored").isTrue();
    assertThat(baselines.current(REPO)).as("baseline").contains(landing);
  }

  @Test
  void unreadableBaselineCountsAsNoneAndIsReplaced() {
    harness
        .redis()
        .<String>getBucket(harness.keys().gate(REPO), StringCodec.INSTANCE)
        .set("{\"repo\": 42}");
    GateBaseline measured = baseline('c', 0);

    assertThat(baselines.current(REPO)).as("unreadable baseline").isEmpty();
    assertThat(baselines.offer(measured)).as("new baseline stored").isTrue();
    assertThat(baselines.current(REPO)).as("baseline").contains(measured);
  }

  private static GateBaseline baseline(char commit, long secondsAfterT0) {
    return new GateBaseline(
        REPO,
        ModelFixtures.aCommit(commit),
        Set.of("t" + commit),
        ModelFixtures.T0.plusSeconds(secondsAfterT0));
  }
}
