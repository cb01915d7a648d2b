package org.diskpaxos.paxos.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.diskpaxos.blockdev.Backend;
import org.diskpaxos.blockdev.BlockDevice;
import org.diskpaxos.blockdev.BlockDeviceOptions;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.paxos.ondisk.AreaExpectation;
import org.diskpaxos.paxos.ondisk.AreaGeometry;
import org.diskpaxos.paxos.ondisk.ResourceFormat;

/**
 * Writes a dplock-formatted resource area ({@link ResourceFormat#image}: sanlock's initial area plus stamped blank
 * dblocks) to every disk of a resource, the minimal tool behind a later {@code dplock init}.
 *
 * <p>All or nothing at the judging step: the first sector of every disk is read and judged
 * ({@link ResourceFormat#refusal}) before anything is written, so a refusal on any disk leaves every disk untouched.
 * The image then goes to each disk in one write of the whole area (as sanlock's {@code paxos_lease_init}), followed
 * by a sync. Areas must start at a multiple of their size, as sanlock requires of every lease offset.
 */
public final class ResourceAreaFormatter {

    private ResourceAreaFormatter() {
    }

    /**
     * Formats {@code lockspaceName:resourceName} at every location with the direct backend.
     *
     * @param numHosts host slots a ballot scans (sanlock's {@code num_hosts}), 1..{@code geometry.maxHosts()}
     * @param force    overwrite an area that holds another lease
     * @return one line per disk saying what was there before
     * @throws IOException a refusal (nothing written anywhere) or an I/O failure; the message names disk and offset
     */
    public static List<String> format(List<ResourceDisks.Location> locations, String lockspaceName, String resourceName,
                                      AreaGeometry geometry, long numHosts, boolean force) throws IOException {
        return format(locations, Backend.DIRECT, lockspaceName, resourceName, geometry, numHosts, force);
    }

    /** As {@link #format(List, String, String, AreaGeometry, long, boolean)} with the given backend. */
    public static List<String> format(List<ResourceDisks.Location> locations, Backend backend, String lockspaceName,
                                      String resourceName, AreaGeometry geometry, long numHosts, boolean force)
            throws IOException {
        Objects.requireNonNull(backend, "backend");
        if (locations.isEmpty() || locations.size() > ResourceDisks.DISKS_MAX) {
            throw new IllegalArgumentException("a resource area needs 1 to " + ResourceDisks.DISKS_MAX + " disks, got "
                    + locations.size());
        }
        AreaExpectation expected = AreaExpectation.resource(lockspaceName, resourceName, geometry);
        byte[] image = ResourceFormat.image(lockspaceName, resourceName, geometry, numHosts);
        for (ResourceDisks.Location l : locations) {
            if (l.areaOffsetBytes() % geometry.alignSizeBytes() != 0) {
                throw new IllegalArgumentException("disk " + l.path() + " offset " + l.areaOffsetBytes()
                        + ": a " + geometry.describe() + " area must start at a multiple of " + geometry.alignSizeBytes()
                        + " bytes");
            }
        }
        BlockDeviceOptions options = new BlockDeviceOptions(backend, false, geometry.sectorSizeBytes(), 0, 0, 0);
        List<BlockDevice> devices = new ArrayList<>();
        try {
            List<String> before = new ArrayList<>();
            List<String> refusals = new ArrayList<>();
            for (ResourceDisks.Location l : locations) {
                BlockDevice device = BlockDevices.open(l.path(), options);
                devices.add(device);
                long end = l.areaOffsetBytes() + geometry.alignSizeBytes();
                if (end > device.sizeBytes()) {
                    throw new IOException("disk " + l.path() + " offset " + l.areaOffsetBytes() + ": the "
                            + geometry.describe() + " area needs bytes up to " + end + ", the disk has "
                            + device.sizeBytes() + "; nothing was written");
                }
                ByteBuffer sector0 = device.allocateBuffer(geometry.sectorSizeBytes());
                device.read(l.areaOffsetBytes(), sector0);
                sector0.clear();
                Optional<String> refusal = ResourceFormat.refusal(sector0, expected, l.path().toString(),
                        l.areaOffsetBytes());
                refusal.ifPresent(refusals::add);
                before.add("disk " + l.path() + " offset " + l.areaOffsetBytes() + ": "
                        + refusal.map(r -> "forced over: " + r).orElse("formatted"));
            }
            if (!refusals.isEmpty() && !force) {
                throw new IOException(String.join("\n", refusals) + "\nnothing was written to any disk");
            }
            ByteBuffer buffer = devices.get(0).allocateBuffer(image.length);
            for (int i = 0; i < devices.size(); i++) {
                buffer.clear();
                buffer.put(0, image);
                devices.get(i).write(locations.get(i).areaOffsetBytes(), buffer);
                devices.get(i).sync();
            }
            return List.copyOf(before);
        } finally {
            for (BlockDevice d : devices) {
                d.close();
            }
        }
    }
}
