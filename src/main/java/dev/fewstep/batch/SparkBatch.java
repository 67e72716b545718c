package dev.fewstep.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Runs a batch on Spark: the prompt lines are split into partitions, each task writes its images
 * ({@link PartitionWriter}), and the driver writes the manifest from all tasks' entries.
 */
public final class SparkBatch {
    private SparkBatch() {}

    /**
     * What a run did.
     *
     * @param images images in the manifest (all of the batch's)
     * @param generated images this run made; the others were there already
     * @param startSeconds starting Spark (the driver's context and, in local mode, its executor)
     * @param jobSeconds the job: model loading, generation and files
     * @param modelLoads models this JVM loaded during the run (in local mode, the executor's loads)
     */
    public record Summary(int images, int generated, int partitions, double startSeconds, double jobSeconds, int modelLoads) {
        public double imagesPerSecond() {
            return generated / jobSeconds;
        }
    }

    /**
     * @param out the output folder (created if missing; on a cluster, a folder every executor writes to)
     * @param modelHash the driver's model hash; executors with other weights under the model's name are refused
     * @throws IllegalArgumentException for bad input that a task found (a foreign file in the way, another model's
     *     weights); the other tasks' images stay written, and a rerun after the fix resumes
     */
    public static Summary run(List<ImageTask> tasks, String modelHash, Path out, SparkJob job) throws IOException {
        job.validated().shareEngineThreads();
        quietSparkLogs();
        Files.createDirectories(out);
        int loadsBefore = LoadedModels.loads();
        long start = System.nanoTime();
        try (JavaSparkContext spark = new JavaSparkContext(job.sparkConf())) {
            double startSeconds = (System.nanoTime() - start) / 1e9;
            int partitions = job.partitions() > 0 ? job.partitions() : Math.min(tasks.size(), 4 * spark.defaultParallelism());
            long jobStart = System.nanoTime();
            List<PartitionResult> results = spark.parallelize(tasks, partitions)
                    .mapPartitions(new PartitionWriter(out.toAbsolutePath().toString(), modelHash)).collect();
            double jobSeconds = (System.nanoTime() - jobStart) / 1e9;
            for (PartitionResult result : results) {
                if (result.problem() != null) {
                    throw new IllegalArgumentException(result.problem());
                }
            }
            List<ManifestEntry> entries = results.stream().flatMap(result -> result.entries().stream()).toList();
            Manifest.write(out, entries);
            int generated = (int) entries.stream().filter(ManifestEntry::generated).count();
            return new Summary(entries.size(), generated, partitions, startSeconds, jobSeconds,
                    LoadedModels.loads() - loadsBefore);
        } finally {
            if (job.isLocal()) {
                LoadedModels.closeAll();
            }
        }
    }

    /**
     * Spark logs every stage and task at INFO; fewstep prints its own summary. Hadoop's missing native library and
     * the host name's address (the driver binds to loopback in local mode) are not the user's concern. An operator's
     * -D setting wins.
     */
    private static void quietSparkLogs() {
        Map<String, String> levels = Map.of("org.apache.spark", "warn", "org.sparkproject", "warn", "org.apache.hadoop", "error",
                "org.apache.spark.util.Utils", "error");
        levels.forEach((logger, level) -> {
            String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null) {
                System.setProperty(key, level);
            }
        });
    }
}
