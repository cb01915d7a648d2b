package org.diskpaxos.paxos.ondisk;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Lockspace, resource and host names: sanlock's {@code char name[48]} ({@code NAME_ID_SIZE} = {@code SANLK_NAME_LEN}
 * = 48), NUL-padded, with no terminator when all 48 bytes are used.
 *
 * <p><b>Decision on characters.</b> sanlock treats names as raw bytes and compares them with
 * {@code strncmp(a, b, 48)}, so everything after the first NUL is ignored. We encode names as <b>UTF-8</b>: ASCII names
 * (all that sanlock users write in practice: UUIDs, VG names, {@code <uuid>.<hostname>}) are byte-identical to what
 * sanlock writes, and a non-ASCII name is stored as its UTF-8 bytes, which {@code sanlock direct read_leader} prints
 * back unchanged. Encoding rejects, as a programmer or configuration error ({@link IllegalArgumentException}), a name
 * whose UTF-8 form is longer than 48 bytes, a name containing NUL (sanlock would silently truncate it there), and a
 * name that is not well-formed UTF-16 (an unpaired surrogate). Decoding never throws: it takes the bytes up to the
 * first NUL (or all 48) and decodes them as UTF-8, replacing malformed sequences with U+FFFD. Comparison against an
 * expected name is done on the raw bytes ({@link #matches}), with sanlock's {@code strncmp} semantics, so a
 * corrupt or foreign encoding can never compare equal by accident.
 */
public final class OnDiskName {
    /** {@code NAME_ID_SIZE}: bytes reserved for every name field. */
    public static final int LENGTH = 48;

    private OnDiskName() {
    }

    /** The name's bytes as stored on disk (1..48 bytes, no padding); throws if the name cannot be stored. */
    public static byte[] toBytes(String name, String what) {
        if (name == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " '" + printable(name) + "' contains a NUL character");
        }
        byte[] bytes;
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(name));
            bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " '" + printable(name) + "' is not valid Unicode text", e);
        }
        if (bytes.length > LENGTH) {
            throw new IllegalArgumentException(what + " '" + printable(name) + "' is " + bytes.length
                    + " bytes in UTF-8; sanlock's on-disk names hold at most " + LENGTH + " bytes");
        }
        return bytes;
    }

    /** Checks that {@code name} can be stored, returning it; for use in constructors and configuration. */
    public static String requireValid(String name, String what) {
        toBytes(name, what);
        return name;
    }

    /** Writes {@code name} NUL-padded to 48 bytes at absolute index {@code offset}. */
    static void put(ByteBuffer buffer, int offset, String name, String what) {
        byte[] bytes = toBytes(name, what);
        for (int i = 0; i < LENGTH; i++) {
            buffer.put(offset + i, i < bytes.length ? bytes[i] : 0);
        }
    }

    /** Reads the name at {@code offset}: bytes up to the first NUL, UTF-8 with replacement; never throws. */
    static String get(ByteBuffer buffer, int offset) {
        int length = storedLength(buffer, offset);
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = buffer.get(offset + i);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            return decoder.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            // Unreachable with REPLACE; keep the promise of never throwing on media bytes.
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /** sanlock's {@code strncmp(stored, expected, 48) == 0}, on the raw bytes. */
    static boolean matches(ByteBuffer buffer, int offset, String expected) {
        byte[] want = toBytes(expected, "expected name");
        int length = storedLength(buffer, offset);
        if (length != want.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (buffer.get(offset + i) != want[i]) {
                return false;
            }
        }
        return true;
    }

    private static int storedLength(ByteBuffer buffer, int offset) {
        int length = 0;
        while (length < LENGTH && buffer.get(offset + length) != 0) {
            length++;
        }
        return length;
    }

    /** A name for an error message: control characters escaped so a corrupt name cannot garble a log line. */
    static String printable(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
