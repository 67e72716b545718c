package dev.fewstep.cli;

import dev.fewstep.model.ModelStore;
import dev.fewstep.nn.EngineThreads;
import dev.fewstep.serve.Server;
import dev.fewstep.serve.ServerAccess;
import dev.fewstep.serve.ServerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", description = "Serve the models over HTTP: a JSON API under /v1 and a web page at /.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--host", description = "address to bind (default: ${DEFAULT-VALUE}, this machine only; "
            + "use 0.0.0.0 to accept other machines)", defaultValue = ServerSettings.DEFAULT_HOST)
    String host;

    @Option(names = "--port", description = "port to bind, 0 for any free one (default: ${DEFAULT-VALUE})",
            defaultValue = "" + ServerSettings.DEFAULT_PORT)
    int port;

    @Option(names = "--workers", description = "generations that run at the same time (default: ${DEFAULT-VALUE})",
            defaultValue = "" + ServerSettings.DEFAULT_WORKERS)
    int workers;

    @Option(names = "--max-queue", description = "requests that may wait for a worker; more get HTTP 429 "
            + "(default: ${DEFAULT-VALUE})", defaultValue = "" + ServerSettings.DEFAULT_MAX_QUEUE)
    int maxQueue;

    @Option(names = "--timeout", description = "seconds a request may take, waiting included (default: ${DEFAULT-VALUE})",
            defaultValue = "60")
    long timeoutSeconds;

    @Option(names = "--cors", paramLabel = "ORIGIN", description = "let pages from this origin (e.g. https://app.example) "
            + "call the API from a browser")
    String corsOrigin;

    @Option(names = "--token-file", paramLabel = "FILE", description = "require 'Authorization: Bearer TOKEN' on /v1 and "
            + "/metrics, TOKEN being the file's first line; needed when --host is not loopback")
    Path tokenFile;

    @Override
    public Integer call() throws InterruptedException {
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("--timeout must be at least 1 second, got " + timeoutSeconds);
        }
        ServerSettings settings = new ServerSettings(host, port, workers, maxQueue, Duration.ofSeconds(timeoutSeconds),
                ModelStore.root());
        ServerAccess access = new ServerAccess(corsOrigin, tokenFile == null ? null : ServerAccess.readToken(tokenFile));
        access.requireTokenUnlessLoopback(settings);
        shareCoresAmongWorkers(workers);
        Server server = new Server(settings, access);
        try {
            server.start();
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (!settings.isLoopback()) {
            System.out.println("note: listening on " + host + ": other machines can reach this server with its token");
        }
        int models = server.models().count();
        System.out.printf("fewstep: serving %d model(s) from %s at %s (workers %d, queue %d, timeout %d s); Ctrl-C stops%n",
                models, settings.modelsRoot().toAbsolutePath(), server.url(), workers, maxQueue, timeoutSeconds);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "fewstep-serve-shutdown"));
        stopped.await();
        return 0;
    }

    /**
     * Gives each worker its share of the cores for PyTorch's intra-op threads, unless the operator chose a number.
     * Workers that together ask for more threads than there are cores make PyTorch's threads spin-wait for each
     * other, which slows every network evaluation down far more than running fewer generations at once.
     */
    static void shareCoresAmongWorkers(int workers) {
        EngineThreads.share(workers);
    }
}
