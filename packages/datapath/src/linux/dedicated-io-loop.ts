/**
 * The I/O loop of a process that does nothing but switch packets (datapath-process.ts): the main
 * thread itself blocks in poll() over every port's descriptor, for a few milliseconds at most, then
 * drains the ready ones and yields to the event loop (commands, timers) through setImmediate.
 *
 * Why: the default readiness path (fd-reader.ts) waits in poll() on a koffi worker thread and hops
 * back to the main thread for every batch: two thread wake-ups per batch, which on a busy machine cost
 * more than the packets. Here the kernel wakes the thread that forwards. The price is an event loop
 * that is never idle, so only a process dedicated to the datapath may turn this on; ports opened in
 * tests, the controller or any shared process keep the default.
 */
import { performance } from 'node:perf_hooks';
import { type BusyPollOptions, pollTimeout } from './busy-poll.js';
import { libc, POLLIN } from './libc.js';

/** Longest a poll blocks, so that the event loop runs at least this often. */
const IDLE_WAIT_MS = 5;

export interface DedicatedIoLoopOptions {
  /**
   * Milliseconds after the last frame during which the loop polls without blocking (busy-poll.ts).
   * Default DEFAULT_BUSY_POLL_MS; 0 turns it off.
   */
  readonly busyPollMs?: number;
}

export const DEFAULT_BUSY_POLL_MS = 0;

interface Entry {
  readonly fd: number;
  readonly drain: () => boolean;
  readonly onError: (err: unknown) => void;
}

let enabled = false;
let busyPoll: BusyPollOptions = { windowMs: DEFAULT_BUSY_POLL_MS, idleWaitMs: IDLE_WAIT_MS };
let lastTrafficAt = Number.NEGATIVE_INFINITY;
const entries = new Map<object, Entry>();
let pollfds = Buffer.alloc(0);
let order: Entry[] = [];
let dirty = true;
let running = false;
let immediate = false;

/** Switch this process to the dedicated loop (before opening ports). */
export function useDedicatedIoLoop(options: DedicatedIoLoopOptions = {}): void {
  enabled = true;
  const windowMs = options.busyPollMs ?? DEFAULT_BUSY_POLL_MS;
  if (!(windowMs >= 0)) throw new Error(`dedicated I/O loop: bad busyPollMs ${windowMs}`);
  busyPoll = { windowMs, idleWaitMs: IDLE_WAIT_MS };
}

export function dedicatedIoLoopEnabled(): boolean {
  return enabled;
}

export function registerReadable(
  owner: object,
  fd: number,
  drain: () => boolean,
  onError: (err: unknown) => void,
): void {
  entries.set(owner, { fd, drain, onError });
  dirty = true;
  if (!running) {
    running = true;
    setImmediate(loop);
  }
}

export function unregisterReadable(owner: object): void {
  if (entries.delete(owner)) dirty = true;
}

function rebuild(): void {
  order = [...entries.values()];
  pollfds = Buffer.alloc(order.length * 8);
  for (let i = 0; i < order.length; i++) {
    pollfds.writeInt32LE(order[i]!.fd, i * 8);
    pollfds.writeInt16LE(POLLIN, i * 8 + 4);
  }
  dirty = false;
}

/**
 * Rounds of poll-and-drain in one turn of the event loop once traffic arrived. Why more than one:
 * forwarding a frame runs the receiving namespace's stack inside our sendmmsg, so a reply (an echo
 * reply, a TCP ACK) is often queued on another port before the drain returns; picking it up at once
 * saves a trip through the event loop per exchange. Bounded so commands and timers still run.
 */
const ROUNDS_PER_TURN = 4;

/** Drain the descriptors poll() marked ready; true if one has more to read than its budget. */
function drainReady(): boolean {
  let more = false;
  const current = order;
  for (let i = 0; i < current.length; i++) {
    if (pollfds.readInt16LE(i * 8 + 6) === 0) continue;
    pollfds.writeInt16LE(0, i * 8 + 6);
    const e = current[i]!;
    try {
      if (e.drain()) more = true;
    } catch (err) {
      e.onError(err);
    }
    if (dirty) break; // a port went away while draining: rebuild before touching the rest
  }
  return more;
}

function loop(): void {
  if (entries.size === 0) {
    running = false;
    return;
  }
  if (dirty) rebuild();
  // Busy ports (a drain that hit its budget), and all ports shortly after traffic, are polled
  // without waiting.
  const c = libc();
  const now = busyPoll.windowMs > 0 ? performance.now() : 0;
  let rc = c.poll(
    pollfds,
    order.length,
    pollTimeout(busyPoll, now, lastTrafficAt, immediate),
  ) as number;
  immediate = false;
  for (let round = 0; rc > 0 && round < ROUNDS_PER_TURN; round++) {
    lastTrafficAt = now;
    if (drainReady()) {
      immediate = true;
      break;
    }
    if (dirty) break;
    // What the frames just sent caused, without waiting.
    rc = c.poll(pollfds, order.length, 0) as number;
  }
  setImmediate(loop);
}
