// The remaining keyword actions: next, push/pop, set_queue, set_meter, log, sample, bind_vport,
// handle_svc_check, fwd_group, commit_ecmp_nh, commit_lb_aff, mirror, check_pkt_larger.

import type { Action, ActionField, L4Protocol, LogSeverity, LogVerdict, Pipeline } from './ast.js';
import { parseLbKey } from './lb-key.js';
import type { ActionParser } from './parser.js';

/** Queue IDs set_queue accepts (0 is the default queue). */
export const MAX_QUEUE_ID = 0xf000;

/**
 * Where OVN silently stops parsing an action, the next thing it checks is the closing `;`:
 * report that, or `fallback` if the `;` is actually there (OVN would then accept nonsense).
 */
function stopped(p: ActionParser, fallback: string): never {
  return p.token.type === ';' ? p.syntaxError(fallback) : p.syntaxError("expecting `;'");
}

/** `next;`, `next(N);`, `next(pipeline=P, table=N);` */
export function parseNext(p: ActionParser): Action {
  const { env } = p;
  if (!env.tableCount) p.error('"next" action not allowed here.');
  let pipeline: Pipeline = env.pipeline;
  let table = env.table + 1;
  if (p.match('(')) {
    const n = p.smallInt();
    if (n !== undefined) {
      table = n;
      p.ts.next();
    } else {
      do {
        if (p.matchId('pipeline')) {
          p.expect('=');
          if (p.matchId('ingress')) pipeline = 'ingress';
          else if (p.matchId('egress')) pipeline = 'egress';
          else p.syntaxError('expecting "ingress" or "egress"');
        } else if (p.matchId('table')) {
          p.expect('=');
          table = p.ts.expectSmallInt();
        } else {
          p.syntaxError('expecting "pipeline" or "table"');
        }
      } while (p.match(','));
    }
    p.expect(')');
  }
  const max = env.pipelineLengths[pipeline];
  if (table >= max) p.error(`"next" action cannot advance beyond table ${max}.`);
  return { kind: 'next', pipeline, table, srcPipeline: env.pipeline, srcTable: env.table };
}

/** `push(F);` reads F; `pop(F);` writes it. */
export function parsePushPop(p: ActionParser, kind: 'push' | 'pop'): Action {
  p.expect('(');
  const field = p.field();
  p.typeCheck(field, field.nBits, kind === 'pop');
  p.expect(')');
  return { kind, field };
}

/** `set_queue(N);` with 0 <= N <= 61440. */
export function parseSetQueue(p: ActionParser): Action {
  p.expect('(');
  const id = p.smallInt();
  if (id === undefined) return stopped(p, 'expecting queue ID');
  p.ts.next();
  p.expect(')');
  if (id > MAX_QUEUE_ID) {
    p.error(`Queue ID ${id} for set_queue is not in valid range 0 to ${MAX_QUEUE_ID}.`);
  }
  return { kind: 'set_queue', queueId: id };
}

/** `set_meter(RATE[, BURST]);` in kbps; a rate of 0 is refused. */
export function parseSetMeter(p: ActionParser): Action {
  p.expect('(');
  const decimal = (what: string): bigint => {
    const t = p.token;
    if (t.type !== 'integer' || t.format !== 'decimal') return p.syntaxError(`expecting ${what}`);
    p.ts.next();
    return t.value;
  };
  const rate = decimal('rate');
  const burst = p.match(',') ? decimal('burst') : 0n;
  p.expect(')');
  if (rate === 0n) p.error('Rate 0 for set_meter is not in valid.');
  return { kind: 'set_meter', rate, burst };
}

const VERDICTS: readonly LogVerdict[] = ['allow', 'drop', 'reject', 'pass'];
const SEVERITIES: readonly LogSeverity[] = ['alert', 'warning', 'notice', 'info', 'debug'];

/** `log(verdict=V[, name="…"][, severity=S][, meter="…"]);` — verdict is required. */
export function parseLog(p: ActionParser): Action {
  let verdict: LogVerdict | undefined;
  let severity: LogSeverity = 'info';
  let name: string | undefined;
  let meter: string | undefined;
  const string = (): string => {
    const t = p.token;
    if (t.type !== 'string') return p.syntaxError('expecting string');
    p.ts.next();
    return t.text;
  };
  if (p.match('(')) {
    while (!p.match(')')) {
      if (p.matchId('verdict')) {
        p.expect('=');
        const t = p.token;
        if (t.type !== 'id' || !VERDICTS.includes(t.text as LogVerdict)) {
          p.syntaxError('unknown verdict');
        }
        verdict = (p.ts.next() as { text: LogVerdict }).text;
      } else if (p.matchId('name')) {
        p.expect('=');
        const t = p.token;
        // Names travel in datapath actions, hence OVN's limit.
        if (t.type === 'string' && t.text.length >= 64) {
          p.syntaxError('name must be shorter than 64 characters');
        }
        name = string();
      } else if (p.matchId('severity')) {
        p.expect('=');
        const t = p.token;
        if (t.type !== 'id') p.syntaxError('expecting severity');
        if (!SEVERITIES.includes(t.text as LogSeverity)) p.syntaxError('unknown severity');
        severity = (p.ts.next() as { text: LogSeverity }).text;
      } else if (p.matchId('meter')) {
        p.expect('=');
        meter = string();
      } else {
        p.syntaxError();
      }
      p.match(',');
    }
  }
  if (!verdict) return p.syntaxError('expecting verdict');
  return { kind: 'log', name, verdict, severity, meter };
}

/** `sample(probability=N[, collector_set=ID][, obs_domain=ID][, obs_point=ID|FIELD|$cookie]);` */
export function parseSample(p: ActionParser): Action {
  let probability = 0;
  let collectorSet = 0;
  let obsDomain = 0;
  let obsPoint: number | ActionField | 'cookie' = 0;
  const uint32 = (what: string): number => {
    const t = p.token;
    if (t.type !== 'integer' || t.format !== 'decimal' || t.value > 0xffffffffn) {
      return p.syntaxError(`expecting ${what}`);
    }
    p.ts.next();
    return Number(t.value);
  };
  if (p.match('(')) {
    while (!p.match(')')) {
      if (p.matchId('probability')) {
        p.expect('=');
        probability = p.uint16('probability');
      } else if (p.matchId('obs_point')) {
        p.expect('=');
        const t = p.token;
        if (t.type === 'addressSet' && t.text === 'cookie') {
          p.ts.next();
          obsPoint = 'cookie';
        } else if (t.type === 'integer' && t.format === 'decimal') {
          obsPoint = uint32('observation point id');
        } else {
          obsPoint = p.checkedField(32, false);
        }
      } else if (p.matchId('obs_domain')) {
        p.expect('=');
        const t = p.token;
        if (t.type === 'integer' && t.format === 'decimal' && t.value > 255n) {
          p.syntaxError('obs_domain must be 8-bit long');
        }
        obsDomain = uint32('observation domain id');
      } else if (p.matchId('collector_set')) {
        p.expect('=');
        collectorSet = uint32('collector set id');
      } else {
        p.syntaxError('unknown argument');
      }
      p.match(',');
    }
  }
  if (!probability) p.error('probability must be greater than zero');
  return { kind: 'sample', probability, collectorSet, obsDomain, obsPoint };
}

/** `bind_vport("V", P);` binds virtual port V to the port P the packet came from. */
export function parseBindVport(p: ActionParser): Action {
  p.expect('(');
  const t = p.token;
  if (t.type !== 'string') return p.syntaxError('expecting port name string');
  p.ts.next();
  p.expect(',');
  const parent = p.checkedField(0, false);
  p.expect(')');
  return { kind: 'bind_vport', vport: t.text, parent };
}

/** `handle_svc_check(P);` */
export function parseHandleSvcCheck(p: ActionParser): Action {
  p.expect('(');
  const port = p.checkedField(0, false);
  p.expect(')');
  return { kind: 'handle_svc_check', port };
}

/** true/false, written as identifiers or strings. */
function boolean(p: ActionParser): boolean {
  const t = p.token;
  if ((t.type === 'id' || t.type === 'string') && (t.text === 'true' || t.text === 'false')) {
    p.ts.next();
    return t.text === 'true';
  }
  return p.syntaxError('expecting true or false');
}

/** `fwd_group([liveness=B, ]childports="p1", "p2", …);` */
export function parseFwdGroup(p: ActionParser): Action {
  let liveness = false;
  const childPorts: string[] = [];
  if (p.match('(')) {
    if (p.matchId('liveness')) {
      p.expect('=');
      liveness = boolean(p);
      p.expect(',');
    }
    if (p.matchId('childports')) {
      p.expect('=');
      while (!p.match(')')) {
        const t = p.token;
        if (t.type !== 'string') return p.syntaxError('expecting logical switch port');
        childPorts.push(t.text);
        p.ts.next();
        p.match(',');
      }
    }
  }
  return { kind: 'fwd_group', liveness, childPorts };
}

function l4Protocol(p: ActionParser): L4Protocol {
  for (const proto of ['tcp', 'udp', 'sctp'] as const) if (p.matchId(proto)) return proto;
  return p.syntaxError('invalid protocol');
}

/** `name =` where `name` must come next, else "invalid parameter". */
function parameter(p: ActionParser, name: string): void {
  if (!p.matchId(name)) p.syntaxError('invalid parameter');
  p.expect('=');
}

/** `commit_ecmp_nh(ipv6 = B, proto = tcp|udp|sctp);` */
export function parseCommitEcmpNh(p: ActionParser): Action {
  p.expect('(');
  parameter(p, 'ipv6');
  const ipv6 = boolean(p);
  p.expect(',');
  parameter(p, 'proto');
  const proto = l4Protocol(p);
  p.expect(')');
  return { kind: 'commit_ecmp_nh', ipv6, proto };
}

/** `commit_lb_aff(vip = "IP[:PORT]", backend = "IP[:PORT]"[, proto = P], timeout = T);` */
export function parseCommitLbAff(p: ActionParser): Action {
  p.expect('(');
  const address = () => {
    const t = p.token;
    const key = t.type === 'string' ? parseLbKey(t.text) : undefined;
    if (!key) return p.syntaxError('invalid parameter');
    return key;
  };
  parameter(p, 'vip');
  const vip = address();
  p.ts.next();
  p.expect(',');
  parameter(p, 'backend');
  const backend = address();
  if (backend.ip.family !== vip.ip.family) p.syntaxError('invalid protocol family');
  p.ts.next();
  p.expect(',');
  // The protocol matters (and is required) only when the VIP has a port.
  let proto: L4Protocol | undefined;
  if (vip.port) {
    parameter(p, 'proto');
    proto = l4Protocol(p);
    p.expect(',');
  }
  parameter(p, 'timeout');
  const timeout = p.uint16('affinity timeout');
  p.expect(')');
  return {
    kind: 'commit_lb_aff',
    vip: vip.ip,
    vipPort: vip.port,
    backend: backend.ip,
    backendPort: backend.port,
    proto,
    timeout,
  };
}

/** `mirror("port");` */
export function parseMirror(p: ActionParser): Action {
  p.expect('(');
  const t = p.token;
  if (t.type !== 'string') return p.syntaxError('expecting port name string');
  p.ts.next();
  p.expect(')');
  return { kind: 'mirror', port: t.text };
}

/** `R = check_pkt_larger(L);` (the function name is current). */
export function parseCheckPktLarger(p: ActionParser, dst: ActionField): Action {
  p.typeCheck(dst, 1, true);
  p.ts.next();
  p.expect('(');
  const length = p.smallInt();
  if (length === undefined) return stopped(p, 'expecting packet length');
  // OVN keeps 16 bits of the length; refuse what it would silently truncate.
  if (length > 0xffff) p.syntaxError('expecting packet length');
  p.ts.next();
  p.expect(')');
  return { kind: 'check_pkt_larger', dst, length };
}
