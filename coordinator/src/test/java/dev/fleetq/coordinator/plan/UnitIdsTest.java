package dev.fleetq.coordinator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.model.id.UnitId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnitIdsTest {

  @Test
  void readableTestIdBecomesAReadableUnitId() {
    Map<String, UnitId> ids =
        UnitIds.forTests(
            List.of(
                "example.tests#t01",
                "com.acme.CalculatorTest#divides(int)[2]",
                "tests/test_io.py::test_read"));

    assertThat(ids.values())
        .as("unit ids")
        .extracting(UnitId::value)
        .containsExactly(
            "example.tests.t01",
            "com.acme.CalculatorTest.divides-int-2",
            "tests-test_io.py-test_read");
  }

  @Test
  void testIdsThatReadTheSameGetDistinctStableSuffixes() {
    Map<String, UnitId> first = UnitIds.forTests(List.of("a#b", "a.b", "c#d"));
    Map<String, UnitId> again = UnitIds.forTests(List.of("c#d", "a.b", "a#b"));

    assertThat(first.get("a#b")).as("id of a#b").isNotEqualTo(first.get("a.b"));
    assertThat(first.get("a#b").value()).as("id of a#b").matches("a\\.b-[0-9a-f]{8}");
    assertThat(first.get("c#d").value()).as("id of an unclashing test").isEqualTo("c.d");
    assertThat(again).as("ids planned again in another order").isEqualTo(first);
  }

  @Test
  void longOrOddTestIdStillMakesAValidBranchSafeUnitId() {
    String longId = "com.acme." + "VeryLong".repeat(30) + "Test#method";
    Map<String, UnitId> ids = UnitIds.forTests(List.of(longId, "..weird..name.lock", "###"));

    assertThat(ids.get(longId).value())
        .as("long id")
        .hasSizeLessThanOrEqualTo(128)
        .matches(".*-[0-9a-f]{8}");
    assertThat(ids.get("..weird..name.lock").value()).as("odd id").isEqualTo("weird.name-lock");
    assertThat(ids.get("###").value()).as("id without letters").isEqualTo("test");
  }
}
