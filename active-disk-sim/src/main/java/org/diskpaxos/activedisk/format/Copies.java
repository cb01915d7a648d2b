package org.diskpaxos.activedisk.format;

import java.util.function.ToLongFunction;

/**
 * Picks the current state of a two-copy record from its two decoded sectors: the valid copy with the higher
 * generation. After {@code --init} every record has a valid copy (generation 0 in copy 0), and a write of
 * generation {@code g} only ever replaces copy {@code g & 1} while generation {@code g - 1} is synced in the other;
 * so a pair without a valid copy has lost synced data (bit rot or a misdirected write: a faulty disk), and is
 * reported damaged rather than guessed.
 */
public final class Copies {
    private Copies() {
    }

    /** The newer valid copy, or null with {@code reason} describing both when neither is valid. */
    public static <T> Pick<T> pick(Decoded<T> copy0, Decoded<T> copy1, ToLongFunction<T> generationOf) {
        if (copy0.isValid() && copy1.isValid()) {
            return new Pick<>(generationOf.applyAsLong(copy0.value()) >= generationOf.applyAsLong(copy1.value())
                    ? copy0.value() : copy1.value(), "");
        }
        if (copy0.isValid()) {
            return new Pick<>(copy0.value(), "");
        }
        if (copy1.isValid()) {
            return new Pick<>(copy1.value(), "");
        }
        return new Pick<>(null, "copy 0 " + describe(copy0) + ", copy 1 " + describe(copy1));
    }

    private static String describe(Decoded<?> d) {
        return d.verdict() + (d.reason().isEmpty() || d.verdict() == Verdict.BLANK ? "" : " (" + d.reason() + ")");
    }

    /** The outcome of {@link #pick}: {@code value} is null when the record is damaged. */
    public record Pick<T>(T value, String reason) {
        public boolean damaged() {
            return value == null;
        }
    }
}
