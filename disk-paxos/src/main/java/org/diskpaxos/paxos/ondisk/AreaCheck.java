package org.diskpaxos.paxos.ondisk;

import java.util.Objects;

/**
 * The verdict on an area (or one host's slot in it) with a message for humans that names the disk and the byte
 * offset, e.g. {@code disk /dev/sdb offset 1048576: resource lease area belongs to lockspace 'A', expected 'B'}.
 *
 * @param verdict {@link Verdict#VALID} if the area may be used
 * @param message the full message (for VALID a one-line description of what was found)
 * @param leader the leader record as read; {@code null} if the buffer was too short
 */
public record AreaCheck(Verdict verdict, String message, LeaderRecord leader) {
    public AreaCheck {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(message, "message");
    }

    public boolean isValid() {
        return verdict.isValid();
    }
}
