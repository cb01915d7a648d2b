package org.diskpaxos.activedisk.wire;

import java.util.Objects;

/** A decoded message, or why it could not be decoded ({@code value} null). Decoding never throws. */
public record Decoded<T>(T value, Problem problem, String reason) {

    /** Why a payload was refused. */
    public enum Problem { NONE, UNKNOWN_TYPE, MALFORMED }

    public Decoded {
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(reason, "reason");
        if ((value == null) == (problem == Problem.NONE)) {
            throw new IllegalArgumentException("a value comes without a problem, and only then");
        }
    }

    static <T> Decoded<T> ok(T value) {
        return new Decoded<>(value, Problem.NONE, "");
    }

    static <T> Decoded<T> unknown(int type) {
        return new Decoded<>(null, Problem.UNKNOWN_TYPE, "unknown message type 0x" + Integer.toHexString(type));
    }

    static <T> Decoded<T> malformed(String reason) {
        return new Decoded<>(null, Problem.MALFORMED, reason);
    }

    public boolean ok() {
        return value != null;
    }
}
