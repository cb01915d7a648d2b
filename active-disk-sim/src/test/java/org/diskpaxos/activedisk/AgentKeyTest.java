package org.diskpaxos.activedisk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Key files are read as hex or raw bytes and refused, with the file named and the fix given, when weak or exposed. */
class AgentKeyTest {

    private static Path write(Path dir, String name, byte[] content, String mode) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new java.security.SecureRandom().nextBytes(b);
        return b;
    }

    @Test
    void hexAndRawKeysAreReadAndGeneratedKeysAreHexAndPrivate() throws Exception {
        Path dir = TestKeys.scratch("keys");
        byte[] k = random(32);
        Path hex = write(dir, "hex", (HexFormat.of().formatHex(k) + "\n").getBytes(), "rw-------");
        assertArrayEquals(k, AgentKey.load(hex).bytes());
        byte[] raw = random(48);
        raw[0] = 'z';
        assertArrayEquals(raw, AgentKey.load(write(dir, "raw", raw, "r--------")).bytes());
        Path made = dir.resolve("made");
        AgentKey generated = AgentKey.generate(made);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made)));
        assertArrayEquals(generated.bytes(), AgentKey.load(made).bytes());
        IOException again = assertThrows(IOException.class, () -> AgentKey.generate(made));
        assertTrue(again.getMessage().contains("refusing to overwrite"), again.getMessage());
    }

    @Test
    void shortWeakExposedOddOrMissingKeysAreRefusedWithTheFix() throws Exception {
        Path dir = TestKeys.scratch("keys");
        String shortMessage = assertThrows(IOException.class, () -> AgentKey.load(write(dir, "short",
                HexFormat.of().formatHex(random(16)).getBytes(), "rw-------"))).getMessage();
        assertTrue(shortMessage.contains("16-byte key") && shortMessage.contains("agent-key"), shortMessage);
        String weak = assertThrows(IOException.class, () -> AgentKey.load(write(dir, "weak", new byte[64],
                "rw-------"))).getMessage();
        assertTrue(weak.contains("weak"), weak);
        String exposed = assertThrows(IOException.class, () -> AgentKey.load(write(dir, "exposed",
                HexFormat.of().formatHex(random(32)).getBytes(), "rw-r--r--"))).getMessage();
        assertTrue(exposed.contains("chmod 600"), exposed);
        String odd = assertThrows(IOException.class, () -> AgentKey.load(write(dir, "odd",
                (HexFormat.of().formatHex(random(32)) + "a").getBytes(), "rw-------"))).getMessage();
        assertTrue(odd.contains("odd"), odd);
        String missing = assertThrows(IOException.class, () -> AgentKey.load(dir.resolve("nope"))).getMessage();
        assertTrue(missing.contains("does not exist") && missing.contains("agent-key --out"), missing);
        String huge = assertThrows(IOException.class, () -> AgentKey.load(write(dir, "huge", random(5000),
                "rw-------"))).getMessage();
        assertTrue(huge.contains("right file"), huge);
    }
}
