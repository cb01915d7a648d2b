package org.diskpaxos.paxos.ondisk;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the hex fixtures under {@code src/test/resources/golden}: {@code #} comment lines, then bytes as
 * two-digit hex separated by whitespace, 16 per line.
 */
final class HexFixture {
    /** Where rewritten golden files go (module base directory is the working directory under Surefire). */
    static final Path GOLDEN_SOURCE_DIR = Path.of("src", "test", "resources", "golden");

    final List<String> comments;
    final byte[] bytes;

    private HexFixture(List<String> comments, byte[] bytes) {
        this.comments = comments;
        this.bytes = bytes;
    }

    /** Loads {@code /golden/<name>.hex} from the test class path. */
    static HexFixture load(String name) {
        String resource = "/golden/" + name + ".hex";
        try (InputStream in = HexFixture.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + resource);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static HexFixture parse(String text) {
        List<String> comments = new ArrayList<>();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) {
                comments.add(line.substring(1).trim());
                continue;
            }
            for (String token : line.trim().split("\\s+")) {
                if (!token.isEmpty()) {
                    out.write(Integer.parseInt(token, 16));
                }
            }
        }
        return new HexFixture(comments, out.toByteArray());
    }

    static String format(List<String> comments, byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (String comment : comments) {
            text.append("# ").append(comment).append('\n');
        }
        for (int i = 0; i < bytes.length; i++) {
            text.append(String.format("%02x", bytes[i] & 0xFF)).append(i % 16 == 15 || i == bytes.length - 1 ? "\n" : " ");
        }
        return text.toString();
    }

    static void writeSource(String name, List<String> comments, byte[] bytes) {
        try {
            Files.createDirectories(GOLDEN_SOURCE_DIR);
            Files.writeString(GOLDEN_SOURCE_DIR.resolve(name + ".hex"), format(comments, bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The {@code sanlock direct read_leader} fields recorded in the comments by {@code capture.sh}, in order:
     * "read_leader owner_id 3" becomes owner_id → "3".
     */
    Map<String, String> readLeaderFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String comment : comments) {
            if (comment.startsWith("read_leader ")) {
                String rest = comment.substring("read_leader ".length());
                int space = rest.indexOf(' ');
                fields.put(space < 0 ? rest : rest.substring(0, space), space < 0 ? "" : rest.substring(space + 1));
            }
        }
        return fields;
    }
}
