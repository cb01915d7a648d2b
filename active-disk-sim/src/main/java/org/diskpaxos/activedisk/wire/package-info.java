/**
 * The agent's network protocol, version 1: length-prefixed binary frames over TCP, each with a CRC-32C and an
 * HMAC-SHA256, in sessions keyed by a pre-shared key and two fresh nonces.
 *
 * <h2>Frame</h2>
 * See {@link org.diskpaxos.activedisk.wire.Frame} for the byte diagram: a 36-byte header (length, magic, version,
 * type, flags, payload length, request id, sequence number, CRC-32C), the payload ({@link
 * org.diskpaxos.activedisk.wire.MessageCodec}), then a 32-byte MAC. A receiver reads the 4-byte length, refuses a
 * length outside [{@value org.diskpaxos.activedisk.wire.Frame#FRAME_BYTES_MIN}, its limit] without reading more,
 * then checks header, CRC and MAC, in that order, before it decodes the payload or does anything else.
 *
 * <h2>Session</h2>
 * <pre>
 *   agent  ── SERVER_HELLO(nonce_a, agent id, name, limits)   MAC: key, label "server-hello"   ──► client
 *   client ── CLIENT_HELLO(nonce_c, client name)              MAC: key, label "client-hello" ‖ nonce_a ──► agent
 *   both:  session key K = HMAC(key, "dpaw1 session" ‖ nonce_a ‖ nonce_c)
 *   client ── request, sequence 1, 2, 3, ...                   MAC: K, label "c2a"            ──► agent
 *   agent  ── reply or ERROR, sequence 1, 2, 3, ...            MAC: K, label "a2c"            ──► client
 * </pre>
 * The agent's nonce makes every client frame fresh (a frame recorded in another session fails its MAC); the
 * sequence number, strictly one more than the last, rejects a replay inside a session; the labels stop a frame
 * being reflected back to its sender. The client's nonce does the same for the agent's frames. MACs are compared
 * in constant time ({@code MessageDigest.isEqual}).
 *
 * <h2>What a receiver does with bad input</h2>
 * A wrong length, magic, version, flags, CRC, MAC or sequence closes the connection (the stream cannot be trusted
 * or resynchronised), and is counted. An authenticated frame whose payload is malformed, or whose type is unknown,
 * gets an {@code ERROR} reply and the connection stays. Nothing unauthenticated reaches the agent's core.
 */
package org.diskpaxos.activedisk.wire;
