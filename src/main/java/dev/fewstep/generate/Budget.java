package dev.fewstep.generate;

/**
 * How much computation a generation may spend, as a user asks for it: a sampler, its steps and the guidance
 * scale. A generator reads the settings it has ({@link Generator#reads()}) and ignores the rest: a distilled
 * student brings its own steps and has its guidance distilled in.
 *
 * @param sampler a sampler name ({@link dev.fewstep.sample.Sampler#NAMES})
 * @param steps sampler steps
 * @param cfg classifier-free guidance scale w; 1 = none
 */
public record Budget(String sampler, int steps, double cfg) {
    /** What a budget sets; a generator names those it follows. */
    public enum Setting { SAMPLER, STEPS, CFG }
}
