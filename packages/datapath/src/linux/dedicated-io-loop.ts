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
import { libc, POLLIN } from './libc.js';

/** Longest a poll blocks, so that the event loop runs at least this often. */
const IDLE_WAIT_MS = 5;

interface Entry {
  readonly fd: number;
  readonly drain: () => boolean;
  readonly onError: (err: unknown) => void;
}

let enabled = false;
const entries = new Map<object, Entry>();
let pollfds = Buffer.alloc(0);
let order: Entry[] = [];
let dirty = true;
let running = false;
let immediate = false;

/** Switch this process to the dedicated loop (before opening ports). */
export function useDedicatedIoLoop(): void {
  enabled = true;
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

function loop(): void {
  if (entries.size === 0) {
    running = false;
    return;
  }
  if (dirty) rebuild();
  // Busy ports (a drain that hit its budget) are polled without waiting.
  const rc = libc().poll(pollfds, order.length, immediate ? 0 : IDLE_WAIT_MS) as number;
  immediate = false;
  if (rc > 0) {
    const current = order;
    for (let i = 0; i < current.length; i++) {
      if (pollfds.readInt16LE(i * 8 + 6) === 0) continue;
      pollfds.writeInt16LE(0, i * 8 + 6);
      const e = current[i]!;
      try {
        if (e.drain()) immediate = true;
      } catch (err) {
        e.onError(err);
      }
      if (dirty) break; // a port went away while draining: rebuild before touching the rest
    }
  }
  setImmediate(loop);
}
