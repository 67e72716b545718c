package dev.fewstep.serve;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a {@link Server} runs.
 *
 * @param host the address to bind; loopback unless the operator asks for another
 * @param port the port to bind; 0 picks a free one (tests)
 * @param workers generations that run at the same time
 * @param maxQueue admitted requests that may wait for a worker; beyond that the server answers 429
 * @param requestTimeout the longest a request may take, waiting included
 * @param modelsRoot the folder whose sub-folders holding {@code model.safetensors} are the served models
 */
public record ServerSettings(String host, int port, int workers, int maxQueue, Duration requestTimeout, Path modelsRoot) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    /**
     * Two single-threaded generations at once rather than one on both cores: at 4 clients a one-step model then
     * serves as many requests per second as an in-process loop, against 0.7-0.96x with one worker, whose 2-thread
     * operators stall whenever request handling takes one of the cores (docs/lab/speed.md). A lone request runs on
     * one core.
     */
    public static final int DEFAULT_WORKERS = 2;
    public static final int DEFAULT_MAX_QUEUE = 8;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** More parallel generations than this only thrash two to a few dozen cores. */
    public static final int MAX_WORKERS = 64;
    public static final int MAX_QUEUE = 10_000;

    public ServerSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException("workers must be between 1 and " + MAX_WORKERS + ", got " + workers);
        }
        if (maxQueue < 0 || maxQueue > MAX_QUEUE) {
            throw new IllegalArgumentException("max-queue must be between 0 and " + MAX_QUEUE + ", got " + maxQueue);
        }
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("the request timeout must be positive, got " + requestTimeout);
        }
        if (modelsRoot == null) {
            throw new IllegalArgumentException("the models folder must be given");
        }
    }

    /** Loopback, port 8080, one worker, eight waiting slots, a minute per request. */
    public static ServerSettings defaults(Path modelsRoot) {
        return new ServerSettings(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_WORKERS, DEFAULT_MAX_QUEUE, DEFAULT_TIMEOUT, modelsRoot);
    }

    public ServerSettings withHost(String newHost) {
        return new ServerSettings(newHost, port, workers, maxQueue, requestTimeout, modelsRoot);
    }

    public ServerSettings withPort(int newPort) {
        return new ServerSettings(host, newPort, workers, maxQueue, requestTimeout, modelsRoot);
    }

    public ServerSettings withWorkers(int newWorkers) {
        return new ServerSettings(host, port, newWorkers, maxQueue, requestTimeout, modelsRoot);
    }

    public ServerSettings withMaxQueue(int newMaxQueue) {
        return new ServerSettings(host, port, workers, newMaxQueue, requestTimeout, modelsRoot);
    }

    public ServerSettings withRequestTimeout(Duration newTimeout) {
        return new ServerSettings(host, port, workers, maxQueue, newTimeout, modelsRoot);
    }

    /** Whether only this machine can reach the server; an unresolvable host counts as not loopback. */
    public boolean isLoopback() {
        try {
            InetAddress address = InetAddress.getByName(host);
            return address.isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
