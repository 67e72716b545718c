package dev.fewstep.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;

/**
 * One line of {@code manifest.jsonl}: an image file and how it was made. {@code generated} says whether this run
 * wrote it or found it from an earlier run (not written to the manifest).
 *
 * @param line the prompt's index in the prompts file (0-based, blank lines not counted)
 * @param file the PNG's name inside the output folder
 * @param sha256 of the PNG file's bytes, hex
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ManifestEntry(int line, String prompt, String negative, long seed, String model,
        @JsonProperty("model_hash") String modelHash, String sampler, int steps, double cfg, int nfe, String file,
        String sha256, @com.fasterxml.jackson.annotation.JsonIgnore boolean generated) implements Serializable {}
