package dev.fewstep.threed;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Reads a caption back into its scene: {@code PART [on|next to PART]}, a part being {@code a|an [small|large] COLOUR
 * SHAPE}. Case and extra spaces do not matter; anything else is refused with the word that did not fit.
 */
public final class Captions {
    private Captions() {}

    public static Scene parse(String caption) {
        List<String> words = Arrays.asList(caption.toLowerCase(Locale.ROOT).trim().split("\\s+"));
        Reader reader = new Reader(caption, words);
        Part first = reader.part();
        if (reader.done()) {
            return Scene.of(first);
        }
        Relation relation = reader.relation();
        Part second = reader.part();
        if (!reader.done()) {
            throw reader.error("nothing after the second shape");
        }
        return Scene.of(first, relation, second);
    }

    private static final class Reader {
        private final String caption;
        private final List<String> words;
        private int at;

        Reader(String caption, List<String> words) {
            this.caption = caption;
            this.words = words.size() == 1 && words.get(0).isEmpty() ? List.of() : words;
        }

        boolean done() {
            return at == words.size();
        }

        Part part() {
            String article = next("'a' or 'an'");
            if (!article.equals("a") && !article.equals("an")) {
                throw error("'a' or 'an'");
            }
            Size size = Size.MEDIUM;
            for (Size s : Size.values()) {
                if (!s.word().isEmpty() && s.word().equals(peek())) {
                    size = s;
                    at++;
                }
            }
            Colour colour = word(Colour.values(), "a colour", Colour::word);
            Shape shape = word(Shape.values(), "a shape", Shape::word);
            return new Part(shape, colour, size);
        }

        Relation relation() {
            for (Relation r : Relation.values()) {
                List<String> rw = r.words().isEmpty() ? List.of() : List.of(r.words().split(" "));
                if (!rw.isEmpty() && at + rw.size() <= words.size() && words.subList(at, at + rw.size()).equals(rw)) {
                    at += rw.size();
                    return r;
                }
            }
            throw error("'on' or 'next to'");
        }

        private <T> T word(T[] choices, String what, Function<T, String> name) {
            String w = next(what);
            for (T c : choices) {
                if (name.apply(c).equals(w)) {
                    return c;
                }
            }
            at--;
            throw error(what + " (" + String.join(", ", Arrays.stream(choices).map(name).toList()) + ")");
        }

        private String peek() {
            return done() ? null : words.get(at);
        }

        private String next(String expected) {
            if (done()) {
                throw error(expected);
            }
            return words.get(at++);
        }

        IllegalArgumentException error(String expected) {
            String found = done() ? "the end" : "'" + words.get(at) + "'";
            return new IllegalArgumentException("cannot read the scene '" + caption + "': expected " + expected
                    + " but found " + found + " (e.g. 'a red cone on a blue cube', 'a small green sphere next to a yellow torus')");
        }
    }
}
