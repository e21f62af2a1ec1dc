package dev.fleetq.cli;

import picocli.CommandLine.IVersionProvider;

/** The version the jar was built as, from its manifest, or {@code dev} when run from classes. */
final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Fleetq.class.getPackage().getImplementationVersion();
    return new String[] {"fleetq " + (version == null ? "dev" : version)};
  }
}
