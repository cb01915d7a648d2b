package org.diskpaxos.paxos.ondisk;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Decides whether the bytes at the start of a lockspace or resource area are what the caller configured, and says
 * what is wrong in words that name the disk and the offset. Nothing here throws on bad media; nothing writes.
 *
 * <p>Checks, in order (the first failure wins): the leader's own bytes ({@link LeaderRecordDescriptor#decode}: blank,
 * interrupted init, magic, cleared, major version, checksum), its kind (delta vs paxos), sector size, area size
 * ({@code LFL_ALIGN_*} or the legacy default), for resources {@code max_hosts} and {@code num_hosts}, then the
 * lockspace and resource names. sanlock's {@code verify_leader} checks the names before the checksum; we check the
 * checksum first so that a corrupted name is reported as corruption, not as a foreign lockspace.
 *
 * <p>The buffer passed in starts at the area start (index 0 = {@code areaOffsetBytes} on the disk) and must hold at
 * least the sectors being checked; a shorter one yields {@link Verdict#TRUNCATED}.
 */
public final class AreaValidator {
    private AreaValidator() {
    }

    /** Validates a lockspace area by its sector 0 (host 1's delta lease), as sanlock does when adding a lockspace. */
    public static AreaCheck checkLockspace(ByteBuffer area, AreaExpectation expected, String diskName,
            long areaOffsetBytes) {
        return checkDeltaLease(area, 1, expected, diskName, areaOffsetBytes);
    }

    /**
     * Validates host {@code hostId}'s delta lease in a lockspace area (what sanlock's delta {@code verify_leader}
     * checks before acquiring or renewing it).
     */
    public static AreaCheck checkDeltaLease(ByteBuffer area, long hostId, AreaExpectation expected, String diskName,
            long areaOffsetBytes) {
        return checkDeltaLeaseAt(area, expected.geometry().lockspaceHostOffsetBytes(hostId), hostId, expected,
                diskName, areaOffsetBytes);
    }

    /**
     * As {@link #checkDeltaLease}, for a buffer holding host {@code hostId}'s sector at {@code recordOffset} (for
     * example a buffer of just that sector, with {@code recordOffset} 0).
     */
    public static AreaCheck checkDeltaLeaseAt(ByteBuffer area, int recordOffset, long hostId, AreaExpectation expected,
            String diskName, long areaOffsetBytes) {
        String where = where(diskName, areaOffsetBytes + expected.geometry().lockspaceHostOffsetBytes(hostId));
        String what = hostId == 1 ? "lockspace area" : "delta lease of host " + hostId;
        Decoded<LeaderRecord> decoded = LeaderRecordDescriptor.decode(area, recordOffset);
        LeaderRecord leader = decoded.value();
        switch (decoded.verdict()) {
            case VALID:
                break;
            case CLEARED:
                return fail(Verdict.WRONG_KIND, where + what + " holds a cleared resource lease, not a lockspace",
                        leader);
            default:
                return fail(decoded.verdict(), where + describeBad(what, decoded), leader);
        }
        if (leader.kind() != LeaderRecord.Kind.DELTA) {
            return fail(Verdict.WRONG_KIND, where + what + " holds the resource lease '" + leader.resourceName()
                    + "' of lockspace '" + leader.spaceName() + "', expected a lockspace", leader);
        }
        Optional<AreaCheck> sizes = checkSizes(area, recordOffset, leader, expected, where, what);
        if (sizes.isPresent()) {
            return sizes.get();
        }
        if (!OnDiskName.matches(area, recordOffset + LeaderRecordDescriptor.SPACE_NAME_OFFSET,
                expected.lockspaceName())) {
            return fail(Verdict.WRONG_LOCKSPACE, where + what + " belongs to lockspace '"
                    + OnDiskName.printable(leader.spaceName()) + "', expected '" + expected.lockspaceName() + "'",
                    leader);
        }
        return new AreaCheck(Verdict.VALID, where + what + " of lockspace '" + expected.lockspaceName() + "', "
                + expected.geometry().describe(), leader);
    }

    /** Validates a resource area by its leader (sector 0), as sanlock's paxos {@code verify_leader} does. */
    public static AreaCheck checkResource(ByteBuffer area, AreaExpectation expected, String diskName,
            long areaOffsetBytes) {
        if (expected.resourceName() == null) {
            throw new IllegalArgumentException("a resource check needs an expected resource name");
        }
        int recordOffset = expected.geometry().resourceLeaderOffsetBytes();
        String where = where(diskName, areaOffsetBytes + recordOffset);
        String what = "resource lease area";
        Decoded<LeaderRecord> decoded = LeaderRecordDescriptor.decode(area, recordOffset);
        LeaderRecord leader = decoded.value();
        if (decoded.verdict() == Verdict.CLEARED) {
            return fail(Verdict.CLEARED, where + what + " '" + OnDiskName.printable(leader.resourceName())
                    + "' was cleared (sanlock init -z 1) and must be initialised again before use", leader);
        }
        if (decoded.verdict() != Verdict.VALID) {
            return fail(decoded.verdict(), where + describeBad(what, decoded), leader);
        }
        if (leader.kind() != LeaderRecord.Kind.PAXOS) {
            return fail(Verdict.WRONG_KIND, where + what + " holds a delta lease of lockspace '"
                    + OnDiskName.printable(leader.spaceName()) + "': this is a lockspace, not a resource", leader);
        }
        Optional<AreaCheck> sizes = checkSizes(area, recordOffset, leader, expected, where, what);
        if (sizes.isPresent()) {
            return sizes.get();
        }
        int maxHosts = expected.geometry().maxHosts();
        if (leader.maxHosts() != maxHosts) {
            return fail(Verdict.WRONG_MAX_HOSTS, where + what + " was initialised for " + leader.maxHosts()
                    + " hosts, configured " + maxHosts, leader);
        }
        if (leader.numHosts() < 1 || leader.numHosts() > leader.maxHosts()) {
            return fail(Verdict.BAD_NUM_HOSTS, where + what + " has num_hosts " + leader.numHosts()
                    + ", must be 1.." + leader.maxHosts(), leader);
        }
        if (!OnDiskName.matches(area, recordOffset + LeaderRecordDescriptor.SPACE_NAME_OFFSET,
                expected.lockspaceName())) {
            return fail(Verdict.WRONG_LOCKSPACE, where + what + " belongs to lockspace '"
                    + OnDiskName.printable(leader.spaceName()) + "', expected '" + expected.lockspaceName() + "'",
                    leader);
        }
        if (!OnDiskName.matches(area, recordOffset + LeaderRecordDescriptor.RESOURCE_NAME_OFFSET,
                expected.resourceName())) {
            return fail(Verdict.WRONG_RESOURCE, where + what + " holds resource '"
                    + OnDiskName.printable(leader.resourceName()) + "', expected '" + expected.resourceName() + "'",
                    leader);
        }
        return new AreaCheck(Verdict.VALID, where + what + " '" + expected.lockspaceName() + ":"
                + expected.resourceName() + "' lver " + leader.lver() + ", " + expected.geometry().describe(), leader);
    }

    private static Optional<AreaCheck> checkSizes(ByteBuffer area, int recordOffset, LeaderRecord leader,
            AreaExpectation expected, String where, String what) {
        AreaGeometry want = expected.geometry();
        if (leader.sectorSizeBytes() != want.sectorSizeBytes()) {
            return Optional.of(fail(Verdict.WRONG_SECTOR_SIZE, where + what + " was initialised with "
                    + Integer.toUnsignedString(leader.sectorSizeBytes()) + "-byte sectors, configured "
                    + want.sectorSizeBytes() + "; configure sector size " + leader.sectorSizeBytes()
                    + " or initialise the area again", leader));
        }
        Optional<AreaGeometry> found = AreaGeometry.fromLeader(leader.sectorSizeBytes(), leader.flags());
        if (found.isEmpty() || !found.get().equals(want)) {
            String onDisk = found.map(AreaGeometry::describe).orElse("an unsupported area size (flags "
                    + LeaderRecordDescriptor.hex(leader.flags()) + ")");
            return Optional.of(fail(Verdict.WRONG_ALIGN_SIZE, where + what + " was initialised as " + onDisk
                    + ", configured " + want.describe(), leader));
        }
        return Optional.empty();
    }

    private static String describeBad(String what, Decoded<LeaderRecord> decoded) {
        switch (decoded.verdict()) {
            case TRUNCATED:
                return what + ": short read (" + decoded.reason() + ")";
            case BLANK:
                return what + " is blank (all zero): it was never initialised";
            case INIT_INCOMPLETE:
                return what + ": initialisation did not finish (sector 0 has magic 0); initialise it again";
            case BAD_MAGIC:
                return what + " holds no sanlock lease (" + decoded.reason() + ")";
            case UNSUPPORTED_VERSION:
                return what + " has an unsupported on-disk version (" + decoded.reason() + ")";
            case BAD_CHECKSUM:
                return what + " is corrupt: bad checksum (" + decoded.reason() + ")";
            default:
                return what + ": " + decoded.verdict() + " (" + decoded.reason() + ")";
        }
    }

    private static AreaCheck fail(Verdict verdict, String message, LeaderRecord leader) {
        return new AreaCheck(verdict, message, leader);
    }

    private static String where(String diskName, long offsetBytes) {
        return "disk " + diskName + " offset " + offsetBytes + ": ";
    }
}
