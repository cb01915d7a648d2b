package org.diskpaxos.sim.time;

/** What a trace record describes. The ordinal is hashed, so append new kinds at the end. */
public enum TraceKind {
    /** A scheduler event ran (subject: none). */
    EVENT,
    /** A task ran on a host's event loop (subject: host; a: incarnation, b: task sequence). */
    HOST_TASK,
    HOST_CRASH,
    HOST_RESTART,
    HOST_PAUSE,
    HOST_RESUME,
    /** A host clock's rate or offset changed (a: host clock ns after the change, b: drift ppb). */
    HOST_CLOCK,
    /** An I/O was submitted to a per-host disk view (subject: host; a: disk, b: request id). */
    IO_SUBMIT,
    /** The memory medium applied an I/O (subject: disk; a: request id, b: offset bytes). */
    IO_APPLY,
    /** A per-host view delivered a result (subject: host; a: request id, b: status code). */
    IO_RESULT,
    /** A fault decorator acted (subject: disk; a: fault code, b: request id or sector). */
    DISK_FAULT,
    /** A disk-level control action: stop, resume, power loss, cut-off (subject: disk; a: action, b: host). */
    DISK_CONTROL,
    NET_SEND,
    NET_DELIVER,
    NET_DROP,
    /** A network partition or heal (subject: source node; a: target node, b: 1 cut / 0 heal). */
    NET_CONTROL,
    /** The fault plan entered its liveness phase. */
    HEAL,
    /** A workload-defined record. */
    WORKLOAD
}
