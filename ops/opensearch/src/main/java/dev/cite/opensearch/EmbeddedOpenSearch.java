package dev.cite.opensearch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;

/**
 * A single-node OpenSearch with its REST API on 127.0.0.1, for cite's local platform and tests (Debian ships no
 * Elasticsearch or OpenSearch; the jars come from Maven Central, see pom.xml).
 *
 * <p>Usage: {@code EmbeddedOpenSearch --home DIR --http-port N [--node-name NAME] [--parent-pid PID]}. Everything
 * the node writes lives under DIR ({@code data/}, {@code logs/}, {@code config/}). Once HTTP answers it prints one
 * line, {@code cite-opensearch: ready http://127.0.0.1:N}. SIGTERM closes the node (flushing its indices) and
 * ends the process; so does the end of the process {@code --parent-pid} names, so a test runner killed with
 * SIGKILL leaves no engine behind. A port in use or a data directory another node holds ends the process with
 * status 1 and the reason on stderr.
 *
 * <p>{@code --train} runs a few requests of every kind cite makes (see {@link Training}) and exits: the build runs
 * it once with {@code -XX:ArchiveClassesAtExit}, and the class-data archive it leaves cuts later starts from about
 * ten seconds to about three.
 */
public final class EmbeddedOpenSearch {
  /** The plugins an installed OpenSearch would load from modules/: HTTP and transport, and the analyzers. */
  private static final List<Class<? extends Plugin>> PLUGINS =
      List.of(
          org.opensearch.transport.Netty4Plugin.class,
          org.opensearch.analysis.common.CommonAnalysisPlugin.class);

  private EmbeddedOpenSearch() {}

  /** Node's constructor that takes classpath plugins is protected: tests and embedders subclass it. */
  private static final class ClasspathNode extends Node {
    ClasspathNode(Environment environment) {
      super(environment, PLUGINS, true);
    }
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = parse(argv);
    Path home = Path.of(required(args, "home")).toAbsolutePath();
    Node node;
    try {
      node = new ClasspathNode(environment(home, required(args, "http-port"), args));
    } catch (Exception | Error error) {
      fail("the node could not be created", error);
      return;
    }
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  close(node);
                  closed.countDown();
                },
                "cite-opensearch-shutdown"));
    String url;
    try {
      node.start();
      noReplicas(node);
      var address = node.injector().getInstance(HttpServerTransport.class).boundAddress().publishAddress();
      url = "http://" + address.getAddress() + ":" + address.getPort();
    } catch (Exception | Error error) {
      // The node's thread pools are not daemons: without an exit, a node that failed to start (a port in use, a
      // data directory another node holds) would keep the JVM running.
      fail("the node did not start", error);
      return;
    }
    System.out.println("cite-opensearch: ready " + url);
    System.out.flush();
    if (args.containsKey("train")) {
      try {
        Training.run(url);
      } catch (Exception error) {
        fail("the training run failed", error); // no archive: only a normal exit writes one
      }
      System.exit(0);
    }
    if (args.containsKey("parent-pid")) watchParent(Long.parseLong(args.get("parent-pid")));
    closed.await();
  }

  private static Environment environment(Path home, String httpPort, Map<String, String> args)
      throws IOException {
    for (String dir : List.of("config", "data", "logs", "plugins", "modules")) {
      Files.createDirectories(home.resolve(dir));
    }
    Settings settings =
        Settings.builder()
            .put("cluster.name", "cite-local")
            .put("node.name", args.getOrDefault("node-name", "cite-local"))
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            // 0: any free port, which the ready line names.
            .put("http.port", httpPort)
            // Any free port: nothing but this node speaks the transport protocol.
            .put("transport.port", "0")
            .put("http.type", "netty4")
            .put("transport.type", "netty4")
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            // A nearly full disk would otherwise make every index read-only: not what a local engine is for.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .build();
    return InternalSettingsPreparer.prepareEnvironment(
        settings, Collections.emptyMap(), home.resolve("config"), () -> "cite-local");
  }

  /** Ends the process with status 1; the reason is the last line, where a tail of the output shows it. */
  private static void fail(String what, Throwable error) {
    error.printStackTrace();
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    System.err.println(
        "cite-opensearch: "
            + what
            + ": "
            + error
            + (root == error ? "" : " (cause: " + root + ")"));
    System.err.flush();
    Runtime.getRuntime().halt(1);
  }

  /**
   * One node: a replica could never be assigned, so indices are created without one and the cluster is green.
   * 2.19 ignores {@code cluster.default_number_of_replicas} in node settings (it reads only the cluster state's
   * persistent or transient settings), hence a persistent cluster setting, written on every start.
   */
  private static void noReplicas(Node node) {
    node.client()
        .admin()
        .cluster()
        .prepareUpdateSettings()
        .setPersistentSettings(Settings.builder().put("cluster.default_number_of_replicas", 0))
        .execute()
        .actionGet(30_000);
  }

  /** Exits (running the shutdown hook) once the process `pid` has ended. */
  private static void watchParent(long pid) {
    Thread watcher =
        new Thread(
            () -> {
              var parent = ProcessHandle.of(pid);
              if (parent.isPresent()) parent.get().onExit().join();
              System.out.println("cite-opensearch: parent process " + pid + " ended; stopping");
              System.exit(0);
            },
            "cite-opensearch-parent-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  private static void close(Node node) {
    try {
      node.close();
      if (!node.awaitClose(10, TimeUnit.SECONDS)) {
        System.err.println("cite-opensearch: the node did not close within 10 s");
      }
    } catch (IOException | InterruptedException | RuntimeException error) {
      System.err.println("cite-opensearch: closing the node failed: " + error);
    }
  }

  /** `--name value` pairs. */
  private static Map<String, String> parse(String[] argv) {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i < argv.length; i++) {
      if (!argv[i].startsWith("--")) usage("unexpected argument " + argv[i]);
      if (argv[i].equals("--train")) args.put("train", "");
      else if (i + 1 < argv.length) args.put(argv[i].substring(2), argv[++i]);
      else usage(argv[i] + " needs a value");
    }
    return args;
  }

  private static String required(Map<String, String> args, String name) {
    String value = args.get(name);
    if (value == null || value.isEmpty()) usage("--" + name + " is required");
    return value;
  }

  private static void usage(String problem) {
    System.err.println("cite-opensearch: " + problem);
    System.err.println(
        "usage: EmbeddedOpenSearch --home DIR --http-port N [--node-name NAME] [--parent-pid PID] [--train]");
    System.exit(2);
  }
}
