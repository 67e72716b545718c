package dev.fewstep.batch;

import dev.fewstep.model.ModelStore;
import dev.fewstep.nn.EngineThreads;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;

/**
 * Where a batch runs and the Spark settings that make DJL's PyTorch engine run well inside tasks.
 *
 * @param master {@code local[*]}, {@code local[K]}, {@code spark://HOST:PORT}, {@code yarn}, …; null: the one
 *     {@code spark-submit} set, else {@code local[*]}
 * @param partitions how many tasks the prompt lines are split into; 0: four per core Spark has
 * @param conf further Spark settings ({@code --conf KEY=VALUE}); they win over fewstep's
 */
public record SparkJob(String master, int partitions, Map<String, String> conf) {
    public static final String DEFAULT_MASTER = "local[*]";
    /** Applied to every executor JVM; on a cluster the operator may override them with --conf. */
    static final String EXECUTOR_JAVA_OPTIONS = "-D" + EngineThreads.INTRA_OP + "=1 -D" + EngineThreads.INTER_OP + "=1"
            + " -Dai.djl.offline=true";
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?])?");
    private static final Pattern CLUSTER = Pattern.compile("(spark|k8s)://.+|yarn");

    public SparkJob {
        if (partitions < 0) {
            throw new IllegalArgumentException("--partitions must be at least 1, got " + partitions);
        }
        conf = Map.copyOf(conf);
    }

    /** Refuses a master URL that Spark would only refuse with its own stack trace. */
    public SparkJob validated() {
        String url = master();
        if (!LOCAL.matcher(url).matches() && !CLUSTER.matcher(url).matches()) {
            throw new IllegalArgumentException("--master " + url + ": use local, local[K], local[*], spark://HOST:PORT, yarn"
                    + " or k8s://URL");
        }
        return this;
    }

    /** The Spark configuration: spark.* system properties (as spark-submit sets them), then fewstep's, then {@link #conf}. */
    SparkConf sparkConf() {
        SparkConf spark = new SparkConf();
        spark.setAppName("fewstep batch");
        spark.setMaster(master());
        if (isLocal()) {
            // One JVM on this machine: no port open beyond loopback, and no web UI to serve.
            spark.set("spark.driver.bindAddress", "127.0.0.1");
            spark.set("spark.driver.host", "127.0.0.1");
            spark.set("spark.ui.enabled", "false");
        }
        // Without these, every task's PyTorch runs as many OpenMP threads as the node has cores: k tasks on k cores
        // then fight over them, ten times slower than one thread per task (issue 34).
        spark.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", "1");
        spark.setIfMissing("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE");
        spark.setIfMissing("spark.executor.extraJavaOptions", EXECUTOR_JAVA_OPTIONS);
        spark.setIfMissing("spark.executorEnv.FEWSTEP_MODELS", ModelStore.root().toAbsolutePath().toString());
        conf.forEach(spark::set);
        return spark;
    }

    /** The master given, else spark-submit's ({@code spark.master}), else local mode on every core. */
    public String master() {
        if (master != null) {
            return master;
        }
        return System.getProperty("spark.master", DEFAULT_MASTER);
    }

    public boolean isLocal() {
        return master().startsWith("local");
    }

    /**
     * Local mode runs its tasks as threads of this JVM, where PyTorch's thread count is one setting for all: k tasks
     * at once get cores / k threads each (one each for {@code local[*]}). Call before the engine starts.
     */
    void shareEngineThreads() {
        if (!isLocal()) {
            return;
        }
        Matcher m = LOCAL.matcher(master());
        if (!m.matches()) {
            throw new IllegalArgumentException("--master " + master() + ": local mode is local, local[K] or local[*]");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int tasks = m.group(1) == null ? 1 : m.group(1).equals("*") ? cores : Integer.parseInt(m.group(1));
        if (tasks < 1) {
            throw new IllegalArgumentException("--master " + master() + ": at least one task thread is needed");
        }
        EngineThreads.share(tasks);
    }
}
