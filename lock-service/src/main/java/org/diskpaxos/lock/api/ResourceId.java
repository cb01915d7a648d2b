package org.diskpaxos.lock.api;

import java.util.Objects;

/**
 * A resource lease's name: {@code LOCKSPACE/RESOURCE}. Users never deal with offsets; the lockspace's resource
 * index on its disks maps the name to the lease area.
 */
public record ResourceId(String lockspace, String resource) {

    /** sanlock's name limit: 48 bytes, stored NUL-padded. */
    public static final int NAME_BYTES_MAX = 48;

    /** @throws IllegalArgumentException if a name is empty, too long, or contains '/' or NUL */
    public ResourceId {
        check(lockspace, "lockspace");
        check(resource, "resource");
    }

    /** Parses {@code LOCKSPACE/RESOURCE}. */
    public static ResourceId parse(String text) {
        Objects.requireNonNull(text, "text");
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1 || text.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("a resource is named LOCKSPACE/RESOURCE, got '" + text + "'");
        }
        return new ResourceId(text.substring(0, slash), text.substring(slash + 1));
    }

    private static void check(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(what + " name is empty");
        }
        int bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > NAME_BYTES_MAX || name.indexOf('\0') >= 0 || name.indexOf('/') >= 0) {
            throw new IllegalArgumentException(what + " name '" + name + "' must be 1.." + NAME_BYTES_MAX
                    + " bytes of UTF-8 without '/' or NUL");
        }
    }

    /** {@code LOCKSPACE/RESOURCE}, as {@link #parse} reads it. */
    @Override
    public String toString() {
        return lockspace + "/" + resource;
    }
}
