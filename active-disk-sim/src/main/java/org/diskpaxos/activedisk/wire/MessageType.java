package org.diskpaxos.activedisk.wire;

/** Frame types. A reply's type is its request's type with bit 0x40 set. */
public final class MessageType {
    public static final int SERVER_HELLO = 0x01;
    public static final int CLIENT_HELLO = 0x02;

    public static final int RR_READ = 0x10;
    public static final int RR_READ_FROM = 0x11;
    public static final int RR_WRITE = 0x12;
    public static final int COMPARE_AND_WRITE = 0x13;
    public static final int READ_BLOCK = 0x14;
    public static final int STAT = 0x15;

    public static final int REPLY_BIT = 0x40;
    public static final int ERROR = 0x7F;

    private MessageType() {
    }

    public static boolean isRequest(int type) {
        return type >= RR_READ && type <= STAT;
    }

    public static boolean isReply(int type) {
        return type == ERROR || (type & REPLY_BIT) != 0 && isRequest(type & ~REPLY_BIT);
    }
}
