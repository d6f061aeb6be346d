package customsgraph;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.config.Setting;
import org.neo4j.io.ByteUnit;

/**
 * Minimal embedded Neo4j Community server exposing Bolt on 127.0.0.1:PORT.
 * For tests and benchmarks only: authentication is disabled and Bolt is unencrypted.
 *
 * Usage: TestServer DATA_DIR [PORT]
 */
public final class TestServer {
    private TestServer() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: TestServer DATA_DIR [PORT]");
            System.exit(2);
        }
        Path dataDir = Path.of(args[0]).toAbsolutePath();
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 7687;

        DatabaseManagementService managementService;
        try {
            managementService = start(dataDir, port);
        } catch (Throwable t) {
            // Neo4j leaves non-daemon threads behind; exit explicitly so callers see the failure.
            t.printStackTrace();
            System.exit(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                managementService.shutdown();
            } finally {
                stopped.countDown();
            }
        }, "neo4j-test-server-shutdown"));

        // Make sure the default database is up before announcing readiness.
        GraphDatabaseService db = managementService.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(60_000)) {
            System.err.println("default database '" + GraphDatabaseSettings.DEFAULT_DATABASE_NAME
                    + "' did not become available");
            System.exit(1);
        }
        try (var tx = db.beginTx()) {
            tx.execute("RETURN 1").close();
            tx.commit();
        }

        System.out.println("READY bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }

    private static DatabaseManagementService start(Path dataDir, int port) throws ReflectiveOperationException {
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(dataDir);
        versionSpecific(builder);
        return builder
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                // Benchmarks at a million persons pass -Dcustomsgraph.pagecache=4g.
                .setConfig(GraphDatabaseSettings.pagecache_memory,
                        ByteUnit.parse(System.getProperty("customsgraph.pagecache", "256m")))
                // As a packaged server: LOAD CSV may not read the host's files.
                .setConfig(GraphDatabaseSettings.allow_file_urls, false)
                // Throwaway data: keep only the latest transaction log file.
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                // Bolt waits 5 s + 5 s for connections/threads on shutdown by default.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .build();
    }

    /**
     * Settings that exist in some Neo4j versions only, looked up by name so that
     * one source builds against 5.26 and the calendar releases.
     */
    private static void versionSpecific(DatabaseManagementServiceBuilder builder)
            throws ReflectiveOperationException {
        // Neo4j 5 can keep transaction state off-heap; the calendar releases dropped the setting.
        setIfPresent(builder, "tx_state_memory_allocation", "TransactionStateMemoryAllocation", "ON_HEAP");
        // 2025.06+: new databases speak Cypher 25, as a packaged server's neo4j.conf has
        // set since 2026.02 (the built-in default is Cypher 5).
        // -Dcustomsgraph.cypher=5 keeps Cypher 5.
        String cypher = System.getProperty("customsgraph.cypher", "25");
        setIfPresent(builder, "default_language", "CypherVersion", "Cypher" + cypher);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void setIfPresent(DatabaseManagementServiceBuilder builder, String field,
            String enumType, String value) throws ReflectiveOperationException {
        Setting<Object> setting;
        try {
            setting = (Setting<Object>) GraphDatabaseSettings.class.getField(field).get(null);
        } catch (NoSuchFieldException notInThisVersion) {
            return;
        }
        Class kind = Class.forName(GraphDatabaseSettings.class.getName() + "$" + enumType);
        builder.setConfig(setting, Enum.valueOf(kind, value));
    }
}
