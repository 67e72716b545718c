package dev.fewstep.serve;

import dev.fewstep.generate.GenerateRequest;
import dev.fewstep.generate.Generation;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import dev.fewstep.nn.EngineThreads;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server's steady-state throughput against an in-process loop over the same requests, in one JVM and interleaved in
 * rounds, so that a machine whose load drifts (two shared cores) charges both alike. Not a test; run with
 * {@code java -cp CLASSPATH dev.fewstep.serve.ServeVsInProcess MODEL WORKERS CLIENTS REQUESTS_PER_ROUND ROUNDS [LOOP_THREADS]}.
 * The server's workers share the cores as {@code fewstep serve} does; LOOP_THREADS (default: all cores) are the
 * loop's intra-op threads, set on the main thread after the workers have taken up theirs (PyTorch keeps a thread's
 * count once its first parallel operator ran).
 * Requests ask for one image of one prompt with Euler at one step and no guidance (one-step models ignore those).
 */
public final class ServeVsInProcess {
    public static void main(String[] args) throws Exception {
        try {
            compare(args);
        } finally {
            System.exit(0); // the server's threads would keep the JVM alive after a failure
        }
    }

    private static void compare(String[] args) throws Exception {
        String model = args[0];
        int workers = Integer.parseInt(args[1]);
        int clients = Integer.parseInt(args[2]);
        int perRound = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        int loopThreads = args.length > 5 ? Integer.parseInt(args[5]) : Runtime.getRuntime().availableProcessors();
        EngineThreads.share(workers); // what `fewstep serve --workers N` does before the engine starts
        String body = "{\"prompt\":\"Ankle boot\",\"model\":\"" + model + "\",\"sampler\":\"euler\",\"steps\":1,\"cfg\":1.0,\"seed\":1,\"n\":1}";
        try (Server server = new Server(new ServerSettings("127.0.0.1", 0, workers, 64, Duration.ofMinutes(5),
                ModelStore.root()));
                DiffusionModel loaded = DiffusionModel.load(ModelStore.resolve(model))) {
            server.start();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(server.url().replaceAll("/$", "") + "/v1/generate"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            GenerateRequest same = new GenerateRequest("Ankle boot", "euler", 1, 1.0, 1, 1);
            Generation.warmUp(loaded, same);
            serve(client, request, clients, 4 * clients); // the server's model loads, every worker warms up
            ai.djl.pytorch.jni.JniUtils.setNumThreads(loopThreads);
            Generation.warmUp(loaded, same);
            double serveSeconds = 0;
            double loopSeconds = 0;
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                serve(client, request, clients, perRound);
                double s = (System.nanoTime() - start) / 1e9;
                start = System.nanoTime();
                for (int i = 0; i < perRound; i++) {
                    Generation.generate(loaded, same);
                }
                double l = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "round %d: serve %.2f req/s, in-process %.2f calls/s%n", round, perRound / s,
                        perRound / l);
                serveSeconds += s;
                loopSeconds += l;
            }
            System.out.printf(Locale.ROOT, "%s, %d worker(s), %d clients, %d requests: serve %.2f req/s, in-process (%d "
                    + "threads) %.2f calls/s, ratio %.2f%n", model, workers, clients, rounds * perRound,
                    rounds * perRound / serveSeconds, loopThreads, rounds * perRound / loopSeconds, loopSeconds / serveSeconds);
        }
    }

    /** {@code count} requests from {@code clients} concurrent clients, each sending its next when the last returns. */
    private static void serve(HttpClient client, HttpRequest request, int clients, int count) throws Exception {
        AtomicInteger remaining = new AtomicInteger(count);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            done.add(pool.submit(() -> {
                while (remaining.getAndDecrement() > 0) {
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
    }
}
