package dev.fleetq.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.Release;
import org.junit.jupiter.api.Test;

/**
 * NOTES.txt, which {@code helm template} does not render: a client-only dry-run install renders it
 * without a cluster.
 */
class ChartNotesTest {

  @Test
  void notesTellHowToReachTheApiSubmitAJobAndWatchIt() {
    InstallCommand install = dryRunInstall();
    FleetqChart.REQUIRED.forEach(install::set);
    String notes = notes(install);

    assertThat(notes)
        .as("NOTES")
        .contains(
            "kubectl --namespace agents port-forward service/fleet-fleetq-coordinator 8080:8080",
            "http://fleet-fleetq-coordinator.agents.svc:8080",
            "get secret fleet-fleetq-api-token -o jsonpath='{.data.tokens}'",
            "-X POST -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json'"
                + " --data @job.json http://localhost:8080/v1/jobs",
            "curl -fsS -H \"Authorization: Bearer $TOKEN\" http://localhost:8080/v1/jobs/JOB_ID",
            "app.kubernetes.io/component=worker --watch",
            "Workers do not scale on their own");
  }

  @Test
  void notesOfTheFullValuesNameTheAutoscalerAndTheDashboard() {
    String notes = notes(dryRunInstall().withValuesFile(FleetqChart.FULL_VALUES));

    assertThat(notes)
        .as("NOTES")
        .contains("0 to 32 workers (KEDA) with 2 slot(s) each", "fleet-fleetq-dashboard")
        .doesNotContain("Workers do not scale on their own", "git.credentialsSecret is empty");
  }

  private static InstallCommand dryRunInstall() {
    return new Helm(FleetqChart.DIR)
        .install()
        .withName(FleetqChart.RELEASE)
        .withNamespace("agents")
        .clientOnly()
        .withDryRunOption(DryRun.CLIENT);
  }

  private static String notes(InstallCommand install) {
    Release release = install.call();
    String output = release.getOutput();
    assertThat(output).as("install output").contains("NOTES:");
    return output.substring(output.indexOf("NOTES:"));
  }
}
