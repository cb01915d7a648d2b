package org.diskpaxos.paxos.ondisk;

import java.util.Objects;

/**
 * The result of decoding one record: a {@link Verdict}, the fields as read (present whenever the buffer was long
 * enough, whatever the verdict, so that tools can show a corrupt record), and a short reason for a non-valid verdict.
 *
 * @param verdict what the bytes are
 * @param value the decoded fields; {@code null} only for {@link Verdict#TRUNCATED}
 * @param reason empty for {@link Verdict#VALID}, otherwise a short phrase such as "checksum 0x1234 expected 0x5678"
 * @param <T> the record type
 */
public record Decoded<T>(Verdict verdict, T value, String reason) {
    public Decoded {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(reason, "reason");
        if (value == null && verdict != Verdict.TRUNCATED) {
            throw new IllegalArgumentException("only a TRUNCATED result may lack a value, got " + verdict);
        }
    }

    static <T> Decoded<T> valid(T value) {
        return new Decoded<>(Verdict.VALID, value, "");
    }

    static <T> Decoded<T> truncated(String reason) {
        return new Decoded<>(Verdict.TRUNCATED, null, reason);
    }

    public boolean isValid() {
        return verdict.isValid();
    }
}
