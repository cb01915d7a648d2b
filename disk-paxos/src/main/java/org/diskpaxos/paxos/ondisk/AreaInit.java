package org.diskpaxos.paxos.ondisk;

import java.nio.ByteBuffer;

/**
 * Builds freshly initialised lockspace and resource areas exactly as sanlock 3.8 does, as bytes: pure functions, no
 * I/O. The caller writes them (and {@code SanlockCompatibilityTest} compares them byte for byte with
 * {@code sanlock direct init}).
 */
public final class AreaInit {
    /** sanlock's {@code DEFAULT_IO_TIMEOUT}, used by init when none is given. */
    public static final int DEFAULT_IO_TIMEOUT_SECONDS = 10;
    /** sanlock stores the io timeout in a u16 but masks it to one byte when acquiring. */
    public static final int IO_TIMEOUT_SECONDS_MAX = 0xFF;

    private AreaInit() {
    }

    /**
     * The two writes of {@code delta_lease_init}, in order. Write {@link #uncommittedArea} (the whole area: one valid,
     * free delta lease per host slot, except that sector 0 has magic 0), then {@link #commitSector} at the area start:
     * the lockspace appears atomically when its first record becomes valid. A crash between the two leaves
     * {@link Verdict#INIT_INCOMPLETE}. The arrays belong to the caller.
     *
     * @param uncommittedArea align-size bytes, record 0 with magic 0
     * @param commitSector sector 0 with the real magic
     */
    public record LockspaceImage(byte[] uncommittedArea, byte[] commitSector) {
        /** The area as it is on disk once both writes completed. */
        public byte[] finalArea() {
            byte[] area = uncommittedArea.clone();
            System.arraycopy(commitSector, 0, area, 0, commitSector.length);
            return area;
        }
    }

    /** {@code delta_lease_init}: every one of {@code max_hosts} slots gets a free delta lease of {@code lockspaceName}. */
    public static LockspaceImage lockspace(String lockspaceName, AreaGeometry geometry, int ioTimeoutSeconds) {
        if (ioTimeoutSeconds < 1 || ioTimeoutSeconds > IO_TIMEOUT_SECONDS_MAX) {
            throw new IllegalArgumentException("io timeout " + ioTimeoutSeconds + " s outside 1.."
                    + IO_TIMEOUT_SECONDS_MAX);
        }
        LeaderRecord free = LeaderRecord.deltaInit(lockspaceName, geometry, ioTimeoutSeconds);
        byte[] area = new byte[geometry.alignSizeBytes()];
        ByteBuffer buffer = ByteBuffer.wrap(area);
        for (int hostId = 1; hostId <= geometry.maxHosts(); hostId++) {
            LeaderRecord record = hostId == 1 ? free.withMagic(0) : free;
            LeaderRecordDescriptor.encode(record, buffer, geometry.lockspaceHostOffsetBytes(hostId));
        }
        byte[] commit = LeaderRecordDescriptor.encodeSector(free, geometry.sectorSizeBytes());
        return new LockspaceImage(area, commit);
    }

    /**
     * {@code paxos_lease_init}: one align-size buffer holding a free leader (lver 0), the initial request record and
     * zeros for every host's dblock and mode block.
     */
    public static byte[] resource(String lockspaceName, String resourceName, AreaGeometry geometry, long numHosts) {
        return resourceArea(LeaderRecord.paxosInit(lockspaceName, resourceName, geometry, numHosts), geometry);
    }

    /** {@link #resource(String, String, AreaGeometry, long)} with sanlock's default num_hosts = max_hosts. */
    public static byte[] resource(String lockspaceName, String resourceName, AreaGeometry geometry) {
        return resource(lockspaceName, resourceName, geometry, geometry.maxHosts());
    }

    /**
     * {@code paxos_lease_init} with {@code SANLK_WRITE_CLEAR} ({@code sanlock direct init -r ... -z 1}): as
     * {@link #resource} but with magic {@code PAXOS_DISK_CLEAR}, and sanlock also stamps the writer's monotonic time
     * into {@code write_timestamp} (observed with sanlock 3.8.5; the plain init leaves it 0).
     */
    public static byte[] clearedResource(String lockspaceName, String resourceName, AreaGeometry geometry,
            long numHosts, long writeTimestamp) {
        LeaderRecord leader = LeaderRecord.paxosInit(lockspaceName, resourceName, geometry, numHosts)
                .withMagic(LeaderRecordDescriptor.PAXOS_DISK_CLEAR).withWriter(0, 0, writeTimestamp);
        return resourceArea(leader, geometry);
    }

    private static byte[] resourceArea(LeaderRecord leader, AreaGeometry geometry) {
        byte[] area = new byte[geometry.alignSizeBytes()];
        ByteBuffer buffer = ByteBuffer.wrap(area);
        LeaderRecordDescriptor.encode(leader, buffer, geometry.resourceLeaderOffsetBytes());
        RequestRecordDescriptor.encode(RequestRecord.INITIAL, buffer, geometry.resourceRequestOffsetBytes());
        return area;
    }
}
