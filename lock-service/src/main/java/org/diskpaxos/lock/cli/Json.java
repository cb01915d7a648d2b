package org.diskpaxos.lock.cli;

import java.util.Map;
import java.util.TreeMap;

/** The little JSON the CLI writes for {@code --json}: flat objects of strings and numbers. */
final class Json {
    private Json() {
    }

    static String object(Map<String, String> fields) {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, String> e : new TreeMap<>(fields).entrySet()) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append(string(e.getKey())).append(':').append(value(e.getValue()));
        }
        return b.append('}').toString();
    }

    static String value(String v) {
        if (v != null && v.matches("-?(0|[1-9][0-9]{0,17})")) {
            return v;
        }
        return string(v);
    }

    static String string(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
