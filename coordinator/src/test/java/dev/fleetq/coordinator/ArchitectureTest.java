package dev.fleetq.coordinator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The coordinator decides and never runs a command a job supplied: its test commands run on the
 * fleet's executors (issue 11). Nothing in it may reach for a sandbox or start a process, so that
 * the hole an unauthenticated {@code POST /v1/jobs} once opened cannot come back by accident. Git,
 * which it runs itself, takes no command from a job.
 */
@AnalyzeClasses(
    packages = "dev.fleetq.coordinator",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule runsNoJobCommands =
      noClasses()
          .that()
          .resideInAPackage("dev.fleetq.coordinator..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.fleetq.exec.sandbox..")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName(ProcessBuilder.class.getName())
          .because("the coordinator never runs a command a job supplied (issue 11)");
}
