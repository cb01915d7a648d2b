package org.diskpaxos.activedisk.core;

import java.util.Arrays;
import java.util.Objects;

/** One whole-sector write of a {@link CoreOutput.Flush}: the sector's index and its full content. */
public record SectorWrite(long sector, byte[] bytes) {
    public SectorWrite {
        Objects.requireNonNull(bytes, "bytes");
        if (sector < 0) {
            throw new IllegalArgumentException("sector must be non-negative, got " + sector);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SectorWrite w && sector == w.sector && Arrays.equals(bytes, w.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sector, Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
        return "SectorWrite[" + sector + "]";
    }
}
