/**
 * One poll() for every port of the process, waiting on a koffi worker thread so the event loop stays
 * free. koffi runs asynchronous calls on a small pool (four threads here), so one blocking poll per port
 * would starve the fifth port; one shared poll serves any number. An eventfd interrupts it when the set
 * of descriptors changes. When it returns, the ready descriptors are drained on the main thread; while a
 * drain reports more (its budget ran out) the poller checks with a non-blocking poll and comes back
 * through setImmediate, so a busy port costs no thread hop per batch and timers still run between.
 */
import { check, EFD_CLOEXEC, EFD_NONBLOCK, libc, POLLIN } from './libc.js';

interface Entry {
  readonly fd: number;
  readonly drain: () => boolean;
  readonly onError: (err: unknown) => void;
  alive: boolean;
}

const entries = new Map<object, Entry>();
let wakeFd = -1;
let pollfds = Buffer.alloc(0);
let order: Entry[] = [];
let dirty = true;
let running = false;
let inFlight = false;
let busy = new Set<Entry>();
let idleWaiters: (() => void)[] = [];
const eightBytes = Buffer.alloc(8);

function wake(): void {
  if (!inFlight) return;
  const one = Buffer.alloc(8);
  one.writeBigUInt64LE(1n);
  libc().write(wakeFd, one, 8);
}

export function registerShared(
  owner: object,
  fd: number,
  drain: () => boolean,
  onError: (err: unknown) => void,
): void {
  if (wakeFd < 0)
    wakeFd = check('shared poller', 'eventfd', libc().eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  const e: Entry = { fd, drain, onError, alive: true };
  entries.set(owner, e);
  busy.add(e); // drain once at start: data may be waiting already
  dirty = true;
  wake();
  if (!running) {
    running = true;
    setImmediate(loop);
  }
}

/** Remove a descriptor; resolves once no poll that includes it is in flight (the fd may then be closed). */
export function unregisterShared(owner: object): Promise<void> {
  const e = entries.get(owner);
  if (!e) return Promise.resolve();
  entries.delete(owner);
  e.alive = false;
  busy.delete(e);
  dirty = true;
  if (!inFlight) return Promise.resolve();
  wake();
  return new Promise((resolve) => idleWaiters.push(resolve));
}

function rebuild(): void {
  order = [...entries.values()];
  pollfds = Buffer.alloc((order.length + 1) * 8);
  pollfds.writeInt32LE(wakeFd, 0);
  pollfds.writeInt16LE(POLLIN, 4);
  for (let i = 0; i < order.length; i++) {
    pollfds.writeInt32LE(order[i]!.fd, (i + 1) * 8);
    pollfds.writeInt16LE(POLLIN, (i + 1) * 8 + 4);
  }
  dirty = false;
}

/** Drain the entries poll marked ready, and those whose last drain left more to read. */
function drainReady(): void {
  const next = new Set<Entry>();
  for (let i = 0; i < order.length; i++) {
    const e = order[i]!;
    const at = (i + 1) * 8 + 6;
    const ready = pollfds.readInt16LE(at) !== 0;
    pollfds.writeInt16LE(0, at);
    if (!e.alive || !(ready || busy.has(e))) continue;
    try {
      if (e.drain()) next.add(e);
    } catch (err) {
      e.onError(err);
    }
  }
  busy = next;
}

function loop(): void {
  const waiters = idleWaiters;
  idleWaiters = [];
  for (const w of waiters) w();
  if (entries.size === 0) {
    running = false;
    return;
  }
  if (dirty) rebuild();
  if (busy.size > 0) {
    // Someone has more to read: look at the others without waiting, then drain.
    libc().poll(pollfds, order.length + 1, 0);
    drainReady();
    setImmediate(loop);
    return;
  }
  inFlight = true;
  libc().poll.async(pollfds, order.length + 1, -1, (err: unknown) => {
    inFlight = false;
    if (err) for (const e of order) e.onError(err);
    if (pollfds.readInt16LE(6) !== 0) {
      libc().read(wakeFd, eightBytes, 8);
      pollfds.writeInt16LE(0, 6);
    }
    if (!dirty) drainReady();
    setImmediate(loop);
  });
}
