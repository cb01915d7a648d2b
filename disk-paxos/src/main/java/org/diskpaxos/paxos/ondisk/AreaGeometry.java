package org.diskpaxos.paxos.ondisk;

import java.util.List;
import java.util.Optional;

/**
 * The five sector-size / area-size combinations sanlock supports and what follows from them: the number of host slots,
 * the {@code LFL_ALIGN_*} flag recorded in leaders, and where every host's sector lives in a lockspace or resource area
 * ({@code src/sizeflags.c: size_to_max_hosts()}, sanlock.md §1.1, §1.3, §1.4).
 *
 * <pre>
 *   sector  area (align)  max hosts   lockspace: host h at        resource: leader 0, request 1,
 *   512     1 MiB         2000        sector h-1                  host h dblock at sector h+1
 *   4096    1 MiB          250        (delta lease + bitmap)      (dblock at +0, mode block at +128),
 *   4096    2 MiB          500                                    LVB at sector max_hosts+2 (see below)
 *   4096    4 MiB         1000
 *   4096    8 MiB         2000
 * </pre>
 *
 * <p><b>LVB placement (our extension).</b> sanlock puts the lock value block at the fixed sector 2002
 * ({@code LVB_SECTOR}) whatever the geometry. For the two 2000-host geometries that is inside the area, but for 4096-byte
 * sectors with 1, 2 or 4 MiB areas, 2002 × 4096 = 8,200,192 bytes lands <em>outside</em> the area (in the next
 * area on the disk). We place the LVB at sector {@code max_hosts + 2}, the first sector after the last host's dblock:
 * identical to sanlock (sector 2002) for 512/1M and 4096/8M, and inside the area for every geometry (the area always
 * has at least {@code max_hosts + 3} sectors, checked below). sanlock never reads that sector except for its own LVB
 * feature and never parses it as a dblock (ballots parse only hosts 1..num_hosts), so every sanlock-visible field
 * stays valid.
 *
 * @param sectorSizeBytes 512 or 4096
 * @param alignSizeBytes the size of one lockspace or one resource area: 1, 2, 4 or 8 MiB
 * @param maxHosts host ids run 1..maxHosts
 */
public record AreaGeometry(int sectorSizeBytes, int alignSizeBytes, int maxHosts) {
    public static final int MIB = 1024 * 1024;
    /** sanlock's fixed LVB sector ({@code LVB_SECTOR} in {@code src/resource.c}); documented, not used. */
    public static final int SANLOCK_LVB_SECTOR = 2002;
    /** {@code MBLOCK_OFFSET}: the mode block's offset inside a host's resource sector. */
    public static final int MODE_BLOCK_OFFSET_IN_SECTOR = 128;

    public static final AreaGeometry SECTOR_512_ALIGN_1M = new AreaGeometry(512, MIB, 2000);
    public static final AreaGeometry SECTOR_4K_ALIGN_1M = new AreaGeometry(4096, MIB, 250);
    public static final AreaGeometry SECTOR_4K_ALIGN_2M = new AreaGeometry(4096, 2 * MIB, 500);
    public static final AreaGeometry SECTOR_4K_ALIGN_4M = new AreaGeometry(4096, 4 * MIB, 1000);
    public static final AreaGeometry SECTOR_4K_ALIGN_8M = new AreaGeometry(4096, 8 * MIB, 2000);
    /** Every supported geometry, in sanlock's table order. */
    public static final List<AreaGeometry> ALL = List.of(SECTOR_512_ALIGN_1M, SECTOR_4K_ALIGN_1M, SECTOR_4K_ALIGN_2M,
            SECTOR_4K_ALIGN_4M, SECTOR_4K_ALIGN_8M);

    static {
        for (AreaGeometry g : ALL) {
            // Every host slot, the leader, the request record and our LVB fit in the area.
            if ((long) (g.maxHosts + 3) * g.sectorSizeBytes > g.alignSizeBytes) {
                throw new ExceptionInInitializerError("geometry does not fit its area: " + g);
            }
            // A ballot read (roundup_pow2(num_hosts + 2) sectors) never leaves the area.
            if (g.ballotReadLengthBytes(g.maxHosts) > g.alignSizeBytes) {
                throw new ExceptionInInitializerError("ballot read leaves the area: " + g);
            }
        }
    }

    public AreaGeometry {
        // ALL is null only while the constants above are being built.
        if (ALL != null && !isSupported(sectorSizeBytes, alignSizeBytes, maxHosts)) {
            throw new IllegalArgumentException(describeInvalid(sectorSizeBytes, alignSizeBytes)
                    + " (or max hosts " + maxHosts + " does not match)");
        }
    }

    /** The geometry for a sector size and area size; throws with the list of valid combinations otherwise. */
    public static AreaGeometry of(int sectorSizeBytes, int alignSizeBytes) {
        return lookup(sectorSizeBytes, alignSizeBytes)
                .orElseThrow(() -> new IllegalArgumentException(describeInvalid(sectorSizeBytes, alignSizeBytes)));
    }

    /** The geometry for a sector size and area size, if sanlock supports the combination. */
    public static Optional<AreaGeometry> lookup(long sectorSizeBytes, long alignSizeBytes) {
        for (AreaGeometry g : ALL) {
            if (g.sectorSizeBytes == sectorSizeBytes && g.alignSizeBytes == alignSizeBytes) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }

    /**
     * The geometry a leader record describes: its {@code sector_size} and {@code LFL_ALIGN_*} flag, or, if no align
     * flag is set (records from before on-disk minor version 4), sanlock's legacy rule 512 → 1 MiB, 4096 → 8 MiB
     * ({@code sector_size_to_align_size_old}). Empty if the combination is not one sanlock supports.
     */
    public static Optional<AreaGeometry> fromLeader(long sectorSizeBytes, int leaderFlags) {
        long alignSizeBytes = alignSizeFromFlags(leaderFlags);
        if (alignSizeBytes == 0) {
            alignSizeBytes = sectorSizeBytes == 512 ? MIB : sectorSizeBytes == 4096 ? 8L * MIB : 0;
        }
        return lookup(sectorSizeBytes, alignSizeBytes);
    }

    /** sanlock's {@code leader_align_size_from_flag}: the first align flag set wins; 0 if none. */
    public static int alignSizeFromFlags(int leaderFlags) {
        if ((leaderFlags & LeaderRecordDescriptor.LFL_ALIGN_1M) != 0) {
            return MIB;
        }
        if ((leaderFlags & LeaderRecordDescriptor.LFL_ALIGN_2M) != 0) {
            return 2 * MIB;
        }
        if ((leaderFlags & LeaderRecordDescriptor.LFL_ALIGN_4M) != 0) {
            return 4 * MIB;
        }
        if ((leaderFlags & LeaderRecordDescriptor.LFL_ALIGN_8M) != 0) {
            return 8 * MIB;
        }
        return 0;
    }

    /** The {@code LFL_ALIGN_*} flag sanlock 3.8 writes into every leader of an area of this size. */
    public int alignFlag() {
        switch (alignSizeBytes / MIB) {
            case 1:
                return LeaderRecordDescriptor.LFL_ALIGN_1M;
            case 2:
                return LeaderRecordDescriptor.LFL_ALIGN_2M;
            case 4:
                return LeaderRecordDescriptor.LFL_ALIGN_4M;
            default:
                return LeaderRecordDescriptor.LFL_ALIGN_8M;
        }
    }

    public int sectorsPerArea() {
        return alignSizeBytes / sectorSizeBytes;
    }

    /** Lockspace: offset of host {@code hostId}'s delta-lease sector from the start of the area. */
    public int lockspaceHostOffsetBytes(long hostId) {
        return (int) (requireHostId(hostId) - 1) * sectorSizeBytes;
    }

    /** Resource: the leader record is sector 0. */
    public int resourceLeaderOffsetBytes() {
        return 0;
    }

    /** Resource: the request record is sector 1. */
    public int resourceRequestOffsetBytes() {
        return sectorSizeBytes;
    }

    /** Resource: offset of host {@code hostId}'s sector (its dblock) from the start of the area. */
    public int resourceDblockOffsetBytes(long hostId) {
        return (int) (requireHostId(hostId) + 1) * sectorSizeBytes;
    }

    /** Resource: offset of host {@code hostId}'s mode block. */
    public int resourceModeBlockOffsetBytes(long hostId) {
        return resourceDblockOffsetBytes(hostId) + MODE_BLOCK_OFFSET_IN_SECTOR;
    }

    /** Resource: offset of the lock value block, sector {@code max_hosts + 2} (see the class comment). */
    public int resourceLvbOffsetBytes() {
        return (maxHosts + 2) * sectorSizeBytes;
    }

    /** Bytes sanlock reads for a ballot: {@code roundup_power_of_two(num_hosts + 2)} sectors from the area start. */
    public int ballotReadLengthBytes(long numHosts) {
        if (numHosts < 1 || numHosts > maxHosts) {
            throw new IllegalArgumentException("num_hosts " + numHosts + " outside 1.." + maxHosts);
        }
        return roundUpPowerOfTwo((int) numHosts + 2) * sectorSizeBytes;
    }

    /** Short form for messages: "512/1M (2000 hosts)". */
    public String describe() {
        return sectorSizeBytes + "/" + (alignSizeBytes / MIB) + "M (" + maxHosts + " hosts)";
    }

    private long requireHostId(long hostId) {
        if (hostId < 1 || hostId > maxHosts) {
            throw new IllegalArgumentException("host id " + hostId + " outside 1.." + maxHosts + " for " + describe());
        }
        return hostId;
    }

    private static String describeInvalid(long sectorSizeBytes, long alignSizeBytes) {
        return "sector size " + sectorSizeBytes + " with area size " + alignSizeBytes
                + " bytes is not supported; valid: 512/1M, 4096/1M, 4096/2M, 4096/4M, 4096/8M";
    }

    private static boolean isSupported(int sectorSizeBytes, int alignSizeBytes, int maxHosts) {
        for (AreaGeometry g : ALL) {
            if (g.sectorSizeBytes == sectorSizeBytes && g.alignSizeBytes == alignSizeBytes && g.maxHosts == maxHosts) {
                return true;
            }
        }
        return false;
    }

    /** sanlock's {@code roundup_power_of_two}. */
    static int roundUpPowerOfTwo(int value) {
        return value <= 1 ? 1 : Integer.highestOneBit(value - 1) << 1;
    }
}
