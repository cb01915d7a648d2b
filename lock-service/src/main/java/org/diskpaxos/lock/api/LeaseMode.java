package org.diskpaxos.lock.api;

/** Exclusive (one holder) or shared (any number of holders, no exclusive one). */
public enum LeaseMode { EXCLUSIVE, SHARED }
