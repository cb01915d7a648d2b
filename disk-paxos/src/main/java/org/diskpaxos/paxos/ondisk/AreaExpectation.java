package org.diskpaxos.paxos.ondisk;

import java.util.Objects;

/**
 * What the caller configured for an area, to be compared with what is on the disk.
 *
 * @param lockspaceName the lockspace the area must belong to
 * @param resourceName the resource a resource area must hold; {@code null} for a lockspace area
 * @param geometry sector size, area size and (so) max hosts
 */
public record AreaExpectation(String lockspaceName, String resourceName, AreaGeometry geometry) {
    public AreaExpectation {
        OnDiskName.requireValid(lockspaceName, "lockspace name");
        if (resourceName != null) {
            OnDiskName.requireValid(resourceName, "resource name");
        }
        Objects.requireNonNull(geometry, "geometry");
    }

    public static AreaExpectation lockspace(String lockspaceName, AreaGeometry geometry) {
        return new AreaExpectation(lockspaceName, null, geometry);
    }

    public static AreaExpectation resource(String lockspaceName, String resourceName, AreaGeometry geometry) {
        return new AreaExpectation(lockspaceName, Objects.requireNonNull(resourceName, "resourceName"), geometry);
    }
}
