package dev.fleetq.chaos;

import dev.fleetq.devstack.EmbeddedKafka;
import dev.fleetq.devstack.EmbeddedKafkaConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A standalone single-node KRaft broker for the chaos fleet: the devstack's broker in a JVM of its
 * own, on fixed ports and a data directory that outlive it, so that it can be killed and started
 * again where clients expect it. Arguments: data directory, broker port, controller port. Prints
 * {@code broker ready} once it answers clients.
 */
final class BrokerMain {
  static final String READY = "broker ready";

  private BrokerMain() {}

  public static void main(String[] args) throws InterruptedException {
    EmbeddedKafka broker =
        EmbeddedKafka.start(
            EmbeddedKafkaConfig.defaults()
                .withDataDir(Path.of(args[0]))
                .withPorts(Integer.parseInt(args[1]), Integer.parseInt(args[2])));
    System.out.println(READY + " on " + broker.bootstrapServers());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
