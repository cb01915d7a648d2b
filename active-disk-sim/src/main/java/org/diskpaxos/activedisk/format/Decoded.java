package org.diskpaxos.activedisk.format;

import java.util.Objects;

/**
 * One decoded sector: the {@link Verdict}, the record when {@link Verdict#VALID} (else null), and a short reason
 * for any other verdict.
 */
public record Decoded<T>(Verdict verdict, T value, String reason) {
    public Decoded {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(reason, "reason");
        if ((verdict == Verdict.VALID) != (value != null)) {
            throw new IllegalArgumentException("a value comes with VALID and only with VALID, got " + verdict);
        }
    }

    static <T> Decoded<T> valid(T value) {
        return new Decoded<>(Verdict.VALID, value, "");
    }

    /** What a loader holds for a sector it has not been given yet (treated as blank). */
    public static <T> Decoded<T> blankPlaceholder() {
        return new Decoded<>(Verdict.BLANK, null, "not loaded");
    }

    static <T> Decoded<T> not(Verdict verdict, String reason) {
        return new Decoded<>(verdict, null, reason);
    }

    /** This non-valid result re-typed. */
    <U> Decoded<U> cast() {
        if (value != null) {
            throw new IllegalStateException("cannot re-type a valid result");
        }
        return new Decoded<>(verdict, null, reason);
    }

    public boolean isValid() {
        return verdict == Verdict.VALID;
    }
}
