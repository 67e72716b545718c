package dev.fewstep.serve;

import io.javalin.http.Context;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads a request body while counting its bytes, and refuses it (413) as soon as it passes the limit.
 *
 * <p>Javalin's {@code maxRequestSize} only compares the Content-Length header with the limit; a body sent with
 * {@code Transfer-Encoding: chunked} has no such header, and {@code ctx.body()} then reads all of it into memory
 * (a 512 MB chunked body took the server from 0.8 to 5.8 GB). Reading at most limit + 1 bytes here bounds the
 * memory of every request, whatever its encoding.
 */
final class RequestBody {
    private RequestBody() {}

    /**
     * The body as text (JSON is UTF-8, RFC 8259 section 8.1).
     *
     * @throws HttpResponseException 413 when the body is longer than {@code limit} bytes
     */
    static String read(Context ctx, int limit) {
        if (ctx.req().getContentLengthLong() > limit) {
            throw tooLarge(limit); // declared too long: refuse without reading a byte
        }
        byte[] bytes;
        try {
            InputStream in = ctx.req().getInputStream();
            bytes = in.readNBytes(limit + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the request body", e);
        }
        if (bytes.length > limit) {
            throw tooLarge(limit);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The same answer whether the header declared too many bytes or the stream carried them. */
    static HttpResponseException tooLarge(long limit) {
        return new ContentTooLargeResponse(message(limit));
    }

    static String message(long limit) {
        return "the request body is larger than the limit of " + limit + " bytes";
    }
}
