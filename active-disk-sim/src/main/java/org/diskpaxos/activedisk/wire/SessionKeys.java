package org.diskpaxos.activedisk.wire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The MACs of one side of one session (see the package documentation): hello frames are authenticated with the
 * pre-shared key, later frames with the session key derived from both nonces, each direction under its own label.
 * Not thread-safe: one instance per connection, used by one thread at a time.
 */
public final class SessionKeys {
    /** Bytes of each side's nonce. */
    public static final int NONCE_BYTES = 32;
    /** Shortest pre-shared key. */
    public static final int KEY_BYTES_MIN = 32;

    private static final byte[] SERVER_HELLO = label("dpaw1 server-hello");
    private static final byte[] CLIENT_HELLO = label("dpaw1 client-hello");
    private static final byte[] SESSION = label("dpaw1 session");
    private static final byte[] CLIENT_TO_AGENT = label("dpaw1 c2a");
    private static final byte[] AGENT_TO_CLIENT = label("dpaw1 a2c");

    private final Mac longTerm;
    private Mac session;

    public SessionKeys(byte[] key) {
        if (key.length < KEY_BYTES_MIN) {
            throw new IllegalArgumentException("key of " + key.length + " bytes is shorter than " + KEY_BYTES_MIN);
        }
        this.longTerm = mac(key);
    }

    private static byte[] label(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static Mac mac(byte[] key) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    /** Starts the session: derives the session key from both nonces. */
    public void startSession(byte[] agentNonce, byte[] clientNonce) {
        checkNonce(agentNonce);
        checkNonce(clientNonce);
        longTerm.reset();
        longTerm.update(SESSION);
        longTerm.update(agentNonce);
        longTerm.update(clientNonce);
        session = mac(longTerm.doFinal());
    }

    public boolean inSession() {
        return session != null;
    }

    private static void checkNonce(byte[] nonce) {
        if (nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("nonce of " + nonce.length + " bytes, expected " + NONCE_BYTES);
        }
    }

    /** Seals the agent's hello. */
    public void sealServerHello(byte[] frame) {
        seal(longTerm, SERVER_HELLO, null, frame);
    }

    public boolean verifyServerHello(byte[] frame) {
        return verify(longTerm, SERVER_HELLO, null, frame);
    }

    /** Seals the client's hello, bound to the agent's nonce. */
    public void sealClientHello(byte[] frame, byte[] agentNonce) {
        seal(longTerm, CLIENT_HELLO, agentNonce, frame);
    }

    public boolean verifyClientHello(byte[] frame, byte[] agentNonce) {
        return verify(longTerm, CLIENT_HELLO, agentNonce, frame);
    }

    /** Seals a frame sent in the session; {@code fromClient} picks the direction label. */
    public void seal(byte[] frame, boolean fromClient) {
        seal(requireSession(), fromClient ? CLIENT_TO_AGENT : AGENT_TO_CLIENT, null, frame);
    }

    public boolean verify(byte[] frame, boolean fromClient) {
        return verify(requireSession(), fromClient ? CLIENT_TO_AGENT : AGENT_TO_CLIENT, null, frame);
    }

    private Mac requireSession() {
        if (session == null) {
            throw new IllegalStateException("no session yet: the hellos have not been exchanged");
        }
        return session;
    }

    private static byte[] compute(Mac mac, byte[] label, byte[] bound, byte[] frame) {
        mac.reset();
        mac.update(label);
        if (bound != null) {
            mac.update(bound);
        }
        mac.update(frame, 0, frame.length - Frame.MAC_BYTES);
        return mac.doFinal();
    }

    private static void seal(Mac mac, byte[] label, byte[] bound, byte[] frame) {
        byte[] tag = compute(mac, label, bound, frame);
        System.arraycopy(tag, 0, frame, frame.length - Frame.MAC_BYTES, Frame.MAC_BYTES);
    }

    private static boolean verify(Mac mac, byte[] label, byte[] bound, byte[] frame) {
        if (frame.length < Frame.FRAME_BYTES_MIN) {
            return false;
        }
        byte[] tag = compute(mac, label, bound, frame);
        byte[] got = new byte[Frame.MAC_BYTES];
        System.arraycopy(frame, frame.length - Frame.MAC_BYTES, got, 0, Frame.MAC_BYTES);
        return MessageDigest.isEqual(tag, got);
    }
}
