package dev.fewstep.serve;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of every error response: what went wrong and, for bad input, which field ("prompt", "steps",
 * "Content-Type", "body" for JSON that is not an object, ...). {@code field} is omitted when no field is at fault.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String error, String field) {
    public static ApiError of(String error) {
        return new ApiError(error, null);
    }
}
