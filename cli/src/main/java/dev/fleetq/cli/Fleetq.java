package dev.fleetq.cli;

import dev.fleetq.cli.demo.DemoCommand;
import dev.fleetq.cli.demo.LocalCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code fleetq} command: one entry point for every deployable, so that one jar and one image
 * serve the coordinator and the workers alike. Each subcommand reads its configuration from flags,
 * with the environment variables of the Helm chart ({@code FLEETQ_*}) as defaults.
 */
@Command(
    name = "fleetq",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "A distributed task queue for fleets of coding agents.",
    subcommands = {
      DemoCommand.class,
      LocalCommand.class,
      CoordinatorCommand.class,
      WorkerCommand.class,
      ExecutorCommand.class,
      SubmitCommand.class,
      StatusCommand.class,
      JobsCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Fleetq {
  private Fleetq() {}

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new Fleetq()).execute(args));
  }
}
