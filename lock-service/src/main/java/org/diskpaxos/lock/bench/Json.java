package org.diskpaxos.lock.bench;

import java.util.Locale;

/** A minimal streaming JSON writer for the benchmark reports: objects, arrays, strings, numbers, booleans. */
final class Json {
    private final StringBuilder out = new StringBuilder();
    /** Whether the next value in the current container needs a comma first. */
    private boolean needComma;

    Json open() {
        comma();
        out.append('{');
        needComma = false;
        return this;
    }

    Json close() {
        out.append('}');
        needComma = true;
        return this;
    }

    Json openArray() {
        comma();
        out.append('[');
        needComma = false;
        return this;
    }

    Json closeArray() {
        out.append(']');
        needComma = true;
        return this;
    }

    Json key(String name) {
        comma();
        quote(name);
        out.append(':');
        needComma = false;
        return this;
    }

    Json field(String name, String value) {
        return key(name).value(value);
    }

    Json field(String name, long value) {
        return key(name).value(value);
    }

    Json field(String name, double value) {
        return key(name).value(value);
    }

    Json field(String name, boolean value) {
        key(name);
        out.append(value);
        needComma = true;
        return this;
    }

    Json value(String s) {
        comma();
        if (s == null) {
            out.append("null");
        } else {
            quote(s);
        }
        needComma = true;
        return this;
    }

    Json value(long v) {
        comma();
        out.append(v);
        needComma = true;
        return this;
    }

    Json value(double v) {
        comma();
        out.append(Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "null");
        needComma = true;
        return this;
    }

    private void comma() {
        if (needComma) {
            out.append(',');
        }
    }

    private void quote(String s) {
        out.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
