package theorygraph.neo4jdev;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Runs Neo4j Community as an embedded DBMS with a Bolt listener, so development and CI get a
 * real Neo4j server from Maven Central alone (no Docker, no tarball download).
 *
 * <p>Usage: {@code Launcher <home-dir> <port>}; the password comes from the environment variable
 * NEO4J_DEV_PASSWORD rather than argv so that it does not show up in {@code ps}.
 *
 * <p>Files under {@code <home-dir>}: {@code data/} (stores), {@code logs/debug.log} (Neo4j's own
 * log), {@code run/neo4j.pid}, and {@code run/ready}, which appears only once Bolt accepts
 * connections with the configured password: scripts/neo4j-dev waits for it.
 */
public final class Launcher {

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Launcher <home-dir> <port>   (password in env NEO4J_DEV_PASSWORD)");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        String password = System.getenv().getOrDefault("NEO4J_DEV_PASSWORD", "theorygraph-dev");
        if (password.isEmpty()) {
            System.err.println("NEO4J_DEV_PASSWORD must not be empty");
            System.exit(2);
        }

        Path run = Files.createDirectories(home.resolve("run"));
        Path ready = run.resolve("ready");
        Path pidFile = run.resolve("neo4j.pid");
        // A stale marker from a killed run would make the start script report "ready" too early.
        Files.deleteIfExists(ready);
        writeAtomically(pidFile, ProcessHandle.current().pid() + "\n");

        log("starting Neo4j (embedded) home=" + home + " bolt=127.0.0.1:" + port);

        // Sizes are overridable so a bigger dev data set does not need a code change; the
        // defaults keep the JVM at ~0.4 GiB resident when idle; one transaction may use 2.5 GiB,
        // enough to push a review of 100,000 extracts atomically (the machine has 24 GiB).
        long pageCache = ByteUnit.parse(System.getProperty("neo4jdev.pagecache", "128m"));
        long txTotal = ByteUnit.parse(System.getProperty("neo4jdev.tx.total", "3g"));
        long txMax = ByteUnit.parse(System.getProperty("neo4jdev.tx.max", "2560m"));

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                // Neo4j's "user log" (what neo4j.log would hold) goes to stdout, which the
                // start script redirects to logs/console.log.
                .setUserLogProvider(new Log4jLogProvider(System.out))
                .setConfig(BoltConnector.enabled, true)
                // Loopback only: this is a dev/test server with a well-known password.
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                // Let developers pick short throw-away passwords (default minimum is 8).
                .setConfig(GraphDatabaseSettings.auth_minimum_password_length, 1)
                // The usage report would phone home to neo4j.com; this machine must only talk
                // to loopback and package registries.
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, txTotal)
                .setConfig(GraphDatabaseSettings.memory_transaction_max_size, txMax)
                // Defaults preallocate 256 MiB transaction-log files and keep 2 days of them;
                // a dev/test store should stay small on disk.
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(32))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                // Bolt otherwise waits for its worker pools at shutdown, which made every
                // stop take ~10 s; a dev server may cut open sessions short.
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        // Embedded Neo4j installs no shutdown hook of its own; without this, SIGTERM would kill
        // the JVM mid-write and the next start would have to run recovery.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("shutdown requested, stopping Neo4j");
            try {
                Files.deleteIfExists(ready);
                dbms.shutdown();
                Files.deleteIfExists(pidFile);
            } catch (Throwable t) {
                t.printStackTrace();
            }
            log("Neo4j stopped");
            stopped.countDown();
        }, "neo4j-dev-shutdown"));

        try {
            setPassword(dbms, password);
        } catch (RuntimeException e) {
            log("FAILED to set the password of user neo4j: " + e);
            System.exit(1); // runs the hook, which shuts the DBMS down cleanly
        }

        writeAtomically(ready, "bolt://127.0.0.1:" + port + "\n");
        log("READY bolt://127.0.0.1:" + port + " (user neo4j)");
        stopped.await(); // keep main alive; the JVM exits after the hook has run
    }

    /**
     * Makes the configured password the one of user neo4j on every start, so it does not matter
     * whether the store is new (password "neo4j", change required) or from an earlier run, and a
     * changed NEO4J_DEV_PASSWORD takes effect. Embedded transactions run with full rights, so no
     * old password is needed; Bolt clients are told "ready" only after this has run.
     */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PLAINTEXT PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
            log("password of user neo4j set");
        } catch (RuntimeException e) {
            // Neo4j refuses to "change" a password to the one it already has; that is success.
            if (String.valueOf(e.getMessage()).contains("cannot be the same")) {
                log("password of user neo4j unchanged");
                return;
            }
            throw e;
        }
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void log(String msg) {
        System.out.println(Instant.now() + " [neo4j-dev] " + msg);
        System.out.flush();
    }
}
