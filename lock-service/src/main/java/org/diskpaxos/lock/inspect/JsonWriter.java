package org.diskpaxos.lock.inspect;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A small streaming JSON writer for the CLI's {@code --json} output: nested objects and arrays of strings, whole
 * numbers, booleans and null. It checks its own use (a value needs a name inside an object and none inside an
 * array; every container is closed), so a bug shows up as an exception instead of broken output.
 */
public final class JsonWriter {

    private enum Container { OBJECT, ARRAY }

    private final StringBuilder out = new StringBuilder(256);
    private final Deque<Container> open = new ArrayDeque<>();
    private final Deque<Boolean> first = new ArrayDeque<>();
    private boolean done;

    public JsonWriter beginObject() {
        value();
        out.append('{');
        open.push(Container.OBJECT);
        first.push(true);
        return this;
    }

    public JsonWriter beginObject(String name) {
        return name(name).beginObjectNamed();
    }

    private JsonWriter beginObjectNamed() {
        out.append('{');
        open.push(Container.OBJECT);
        first.push(true);
        return this;
    }

    public JsonWriter endObject() {
        close(Container.OBJECT, '}');
        return this;
    }

    public JsonWriter beginArray(String name) {
        name(name);
        out.append('[');
        open.push(Container.ARRAY);
        first.push(true);
        return this;
    }

    public JsonWriter endArray() {
        close(Container.ARRAY, ']');
        return this;
    }

    public JsonWriter field(String name, String value) {
        name(name);
        out.append(value == null ? "null" : quote(value));
        return this;
    }

    public JsonWriter field(String name, long value) {
        name(name);
        out.append(value);
        return this;
    }

    public JsonWriter field(String name, double value) {
        name(name);
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            out.append("null");
        } else {
            out.append(String.format(java.util.Locale.ROOT, "%.3f", value));
        }
        return this;
    }

    public JsonWriter field(String name, boolean value) {
        name(name);
        out.append(value);
        return this;
    }

    /** An element of the current array. */
    public JsonWriter element(String value) {
        value();
        out.append(value == null ? "null" : quote(value));
        return this;
    }

    /** An element of the current array. */
    public JsonWriter element(long value) {
        value();
        out.append(value);
        return this;
    }

    /** The document; every container must be closed. */
    @Override
    public String toString() {
        if (!open.isEmpty()) {
            throw new IllegalStateException(open.size() + " JSON containers left open");
        }
        return out.toString();
    }

    private JsonWriter name(String name) {
        if (open.peek() != Container.OBJECT) {
            throw new IllegalStateException("a named value outside an object: " + name);
        }
        separator();
        out.append(quote(name)).append(':');
        return this;
    }

    /** An unnamed value: the document itself, or an array element. */
    private void value() {
        if (open.isEmpty()) {
            if (done) {
                throw new IllegalStateException("a JSON document has one top-level value");
            }
            done = true;
            return;
        }
        if (open.peek() != Container.ARRAY) {
            throw new IllegalStateException("an unnamed value inside an object");
        }
        separator();
    }

    private void separator() {
        if (!first.pop()) {
            out.append(',');
        }
        first.push(false);
    }

    private void close(Container kind, char c) {
        if (open.peek() != kind) {
            throw new IllegalStateException("closing a " + kind + " while " + open.peek() + " is open");
        }
        open.pop();
        first.pop();
        out.append(c);
    }

    /** A JSON string literal. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
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
