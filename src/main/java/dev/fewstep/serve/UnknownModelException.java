package dev.fewstep.serve;

import dev.fewstep.generate.InvalidRequestException;

/**
 * A request names a model the models folder does not hold. Still a bad request (400) on fewstep's own API, where
 * clients already expect that; the OpenAI-compatible endpoints answer 404, as OpenAI does for an unknown model.
 */
public final class UnknownModelException extends InvalidRequestException {
    public UnknownModelException(String message) {
        super("model", message);
    }
}
