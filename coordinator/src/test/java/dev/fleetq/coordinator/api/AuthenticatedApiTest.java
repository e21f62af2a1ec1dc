package dev.fleetq.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API with bearer tokens, on the real broker and Redis, called over HTTP. */
@WithDevStack
class AuthenticatedApiTest {
  private static final String OLD_TOKEN = "0123456789abcdef0123456789abcdef";
  private static final String NEW_TOKEN = "fedcba9876543210fedcba9876543210";
  private static final String JOB =
      """
      {
        "repo": { "url": "https://github.com/acme/calculator.git" },
        "plan": { "kind": "failing-tests", "testCommand": "id; cat /proc/1/environ" },
        "agent": { "command": "./fix-one-test.sh" }
      }
      """;

  @TempDir Path dir;
  private ApiHarness api;

  @BeforeEach
  void startApi(DevStack stack, TestNamespace namespace) {
    api =
        new ApiHarness(
            stack.bootstrapServers(),
            stack.redisUri(),
            namespace,
            dir.resolve("work"),
            64 * 1024,
            ApiTokens.of(List.of(OLD_TOKEN, NEW_TOKEN)));
  }

  @AfterEach
  void stopApi() {
    api.close();
  }

  @Test
  void aJobWithoutATokenIsRefusedAndNothingIsSubmitted() {
    HttpResponse<String> refused = api.post("/v1/jobs", JOB);

    assertThat(refused.statusCode()).as("status").isEqualTo(401);
    assertThat(refused.headers().firstValue("www-authenticate"))
        .as("challenge")
        .hasValue("Bearer realm=\"fleetq\"");
    assertThat(error(refused)).as("error").contains("needs a bearer token");
    assertThat(api.get("/v1/jobs", "Bearer " + NEW_TOKEN).body())
        .as("jobs listed afterwards")
        .isEqualTo("{\"jobs\":[]}");
    assertThat(api.get("/metrics").body())
        .as("metrics")
        .contains("fleetq_api_unauthorized_total 1.0")
        .contains("fleetq_jobs_submitted_total 0.0");
  }

  @Test
  void aWrongTokenOrSchemeIsRefusedNamingWhich() {
    HttpResponse<String> wrong = api.get("/v1/jobs", "Bearer " + OLD_TOKEN.replace('0', '1'));
    HttpResponse<String> basic = api.get("/v1/jobs", "Basic dXNlcjpwYXNz");

    assertThat(wrong.statusCode()).as("wrong token status").isEqualTo(401);
    assertThat(error(wrong)).as("wrong token error").contains("not one this API accepts");
    assertThat(basic.statusCode()).as("basic status").isEqualTo(401);
    assertThat(error(basic)).as("basic error").contains("not 'Bearer <token>'");
  }

  @Test
  void eitherTokenOfTheFileIsAcceptedAndProbesStayOpen() {
    assertThat(api.post("/v1/jobs", JOB, "Bearer " + OLD_TOKEN).statusCode())
        .as("job with the old token")
        .isEqualTo(202);
    assertThat(api.get("/v1/jobs", "bearer " + NEW_TOKEN).statusCode())
        .as("list with the new token, scheme in lower case")
        .isEqualTo(200);
    assertThat(api.get("/healthz").statusCode()).as("healthz without a token").isEqualTo(200);
    assertThat(api.get("/metrics").statusCode()).as("metrics without a token").isEqualTo(200);
  }

  private static String error(HttpResponse<String> response) {
    return new JsonObject(response.body()).getString("error");
  }
}
