package org.diskpaxos.activedisk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import org.diskpaxos.activedisk.wire.SessionKeys;

/**
 * The pre-shared key agents and their clients authenticate every frame with (HMAC-SHA256).
 *
 * <p>Key file format: either the key as hexadecimal digits (at least 64 of them, i.e. 32 bytes; whitespace and a
 * trailing newline are ignored), or the raw key bytes (at least 32). A file whose content, trimmed, is only hex
 * digits is read as hex. {@code dplock agent-key --out FILE} writes a new random 32-byte key as hex.
 *
 * <p>Refused: a file readable or writable by group or others (chmod 600 it), shorter than 32 bytes of key, longer
 * than {@value #FILE_BYTES_MAX} bytes, or weak (fewer than {@value #DISTINCT_BYTES_MIN} distinct byte values, as in
 * an all-zero or repeated-pattern key).
 */
public final class AgentKey {
    public static final int FILE_BYTES_MAX = 4096;
    public static final int DISTINCT_BYTES_MIN = 12;

    private final byte[] key;
    private final String source;

    private AgentKey(byte[] key, String source) {
        this.key = key;
        this.source = source;
    }

    /** A key from bytes in memory (tests, embedding); checked like a file's. */
    public static AgentKey of(byte[] key) {
        check(key, "key");
        return new AgentKey(key.clone(), "key in memory");
    }

    /** Reads and checks a key file; every refusal names the file and what to do. */
    public static AgentKey load(Path file) throws IOException {
        String name = "key file " + file;
        byte[] raw;
        try {
            if (Files.size(file) > FILE_BYTES_MAX) {
                throw new IOException(name + " is " + Files.size(file) + " bytes, more than a key file's "
                        + FILE_BYTES_MAX + "; is it the right file?");
            }
            checkPermissions(file, name);
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(name + " does not exist; create one with 'dplock agent-key --out " + file + "'", e);
        }
        String text = new String(raw, StandardCharsets.ISO_8859_1).strip();
        byte[] key;
        if (!text.isEmpty() && text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            if (text.length() % 2 != 0) {
                throw new IOException(name + " holds " + text.length() + " hex digits, an odd number; a key is "
                        + "whole bytes (two digits each)");
            }
            key = HexFormat.of().parseHex(text);
        } else {
            key = raw;
        }
        try {
            check(key, name);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        return new AgentKey(key, name);
    }

    private static void checkPermissions(Path file, String name) throws IOException {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException e) {
            return;
        }
        for (PosixFilePermission p : perms) {
            if (p != PosixFilePermission.OWNER_READ && p != PosixFilePermission.OWNER_WRITE) {
                throw new IOException(name + " is accessible to others (mode "
                        + PosixFilePermissions.toString(perms) + "); run 'chmod 600 " + file + "'");
            }
        }
    }

    private static void check(byte[] key, String name) {
        if (key.length < SessionKeys.KEY_BYTES_MIN) {
            throw new IllegalArgumentException(name + " holds a " + key.length + "-byte key; at least "
                    + SessionKeys.KEY_BYTES_MIN + " random bytes (64 hex digits) are needed; make one with "
                    + "'dplock agent-key --out FILE'");
        }
        boolean[] seen = new boolean[256];
        int distinct = 0;
        for (byte b : key) {
            if (!seen[b & 0xFF]) {
                seen[b & 0xFF] = true;
                distinct++;
            }
        }
        if (distinct < DISTINCT_BYTES_MIN) {
            throw new IllegalArgumentException(name + " holds a weak key (only " + distinct + " distinct byte "
                    + "values); use random bytes, e.g. 'dplock agent-key --out FILE'");
        }
    }

    /** Writes a new random 32-byte key as hex to {@code file} (mode 600); never overwrites. */
    public static AgentKey generate(Path file) throws IOException {
        byte[] key = new byte[SessionKeys.KEY_BYTES_MIN];
        new SecureRandom().nextBytes(key);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " already exists; refusing to overwrite a key file (agents and clients "
                    + "using it would be locked out); choose another path", e);
        }
        Files.writeString(file, HexFormat.of().formatHex(key) + "\n");
        return new AgentKey(key, "key file " + file);
    }

    /** A fresh copy of the key bytes. */
    public byte[] bytes() {
        return key.clone();
    }

    @Override
    public String toString() {
        return source;
    }
}
