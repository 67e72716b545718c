package dev.fewstep.serve;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.UnauthorizedResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * Who may call the API: a bearer token (from a file, so it shows in neither the process list nor the shell history)
 * and one web origin allowed to call it from a browser (CORS). The token guards the API ({@code /v1/...}) and
 * {@code /metrics}; {@code /health} stays open for load balancers, and the page's static files hold no data.
 *
 * @param corsOrigin the origin allowed to call the API from its pages, e.g. {@code https://app.example}; null for none
 * @param token the bearer token every API request must carry; null for none
 */
public record ServerAccess(String corsOrigin, String token) {
    public static final ServerAccess OPEN = new ServerAccess(null, null);

    public ServerAccess {
        if (token != null && token.isBlank()) {
            throw new IllegalArgumentException("the token must not be empty");
        }
        if (corsOrigin != null && !corsOrigin.matches("https?://[^/\\s]+")) {
            throw new IllegalArgumentException("--cors takes an origin such as https://app.example (scheme, host and "
                    + "port, no path), got '" + corsOrigin + "'");
        }
    }

    /** The token is the file's first line, without surrounding blanks (editors add a final newline). */
    public static String readToken(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            String token = text.lines().findFirst().orElse("").strip();
            if (token.isEmpty()) {
                throw new IllegalArgumentException("the token file " + file + " is empty");
            }
            return token;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the token file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses settings that would open the API to other machines without a token: a server bound beyond loopback
     * can be reached by anyone on the network, and generation is expensive enough to be worth abusing.
     */
    public void requireTokenUnlessLoopback(ServerSettings settings) {
        BindAddress.of(settings.host()); // a host that is no address of this machine is the problem to name first
        if (token == null && !settings.isLoopback()) {
            throw new IllegalArgumentException("listening on " + settings.host() + " lets other machines in: give "
                    + "--token-file FILE, whose token clients then send as 'Authorization: Bearer TOKEN'");
        }
    }

    /** A before-handler: a guarded request without the token ends in 401 (through the server's error mapping). */
    void authorize(Context ctx) {
        if (token == null || ctx.method() == HandlerType.OPTIONS || !guarded(ctx.path())) {
            return; // CORS preflights carry no credentials by design
        }
        String header = ctx.header("Authorization");
        String given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : "";
        // Constant-time, so the time of a refusal says nothing about how much of the token was right.
        if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new UnauthorizedResponse(header == null
                    ? "this server needs 'Authorization: Bearer TOKEN'" : "the bearer token is not this server's");
        }
    }

    static boolean guarded(String path) {
        return path.startsWith("/v1/") || path.equals("/v1") || path.equals(ServerMetrics.PATH);
    }
}
