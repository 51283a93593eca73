import { formatAction } from '@ovn-ts/expr';
import type { LFlow } from '../lflow.js';
import { compileActions } from './expr-bridge.js';
import { describePacket } from './packet.js';
import type { Outcome, SimPacket, TraceStep } from './types.js';

/**
 * ovn-trace's three output forms (ovn-trace(8) "Output"):
 *   detailed  sections per pipeline; each flow visited with table, stage, where it came from,
 *             match and priority, then its actions one per line
 *   summary   pipelines nested in braces, with the actions executed
 *   minimal   only what is seen from outside: changed header fields and deliveries
 * As in ovn-trace, flows that match everything and only say `next;` are left out of all forms.
 */
export type TraceDetail = 'detailed' | 'summary' | 'minimal';

/** A trace as text. `input` (the packet sent) lets the minimal form show what changed. */
export function formatTrace(
  steps: readonly TraceStep[],
  detail: TraceDetail = 'detailed',
  input?: SimPacket,
): string {
  const out: string[] = [];
  if (detail === 'minimal') minimal(steps, out, input ? describePacket(input) : {}, '');
  else if (detail === 'summary') summary(steps, out, '');
  else detailed(steps, out, '');
  return out.join('\n');
}

export function formatOutcome(o: Outcome): string {
  if (o.kind === 'delivered') return `output to "${o.port}" (${o.datapath})`;
  const where = o.at ? `${o.at.datapath} ${o.at.stage}` : o.datapath;
  return `drop in ${where}: ${o.reason}`;
}

function header(s: Extract<TraceStep, { kind: 'pipeline' }>): string {
  const out = s.outport !== undefined ? `, outport="${s.outport}"` : '';
  return `${s.pipeline}(dp="${s.datapath}", inport="${s.inport}"${out})`;
}

function trivial(f: LFlow): boolean {
  return f.match === '1' && f.actions === 'next;';
}

/** Where a flow came from: its builder, and the NB row (uuid shortened as ovn-trace does). */
function provenance(f: LFlow): string {
  const p = f.provenance;
  return p.nbTable && p.nbUuid ? `${p.builder}, ${p.nbTable} ${p.nbUuid.slice(0, 8)}` : p.builder;
}

/** The flow's actions, one per line (nested lists stay on their action's line). */
function actionLines(f: LFlow): string[] {
  const actions = compileActions(f);
  return actions.length === 0 ? ['drop;'] : actions.map((a) => formatAction(a));
}

function detailed(steps: readonly TraceStep[], out: string[], indent: string): void {
  for (const s of steps) {
    switch (s.kind) {
      case 'pipeline': {
        const h = header(s);
        out.push('', `${indent}${h}`, `${indent}${'-'.repeat(h.length)}`);
        break;
      }
      case 'flow':
        if (trivial(s.flow)) break;
        out.push(
          `${indent}${String(s.at.table).padStart(2)}. ${s.at.stage} (${provenance(s.flow)}): ${s.flow.match}, priority ${s.flow.priority}`,
        );
        for (const a of actionLines(s.flow)) out.push(`${indent}    ${a}`);
        break;
      case 'no-match':
        out.push(
          `${indent}${String(s.at.table).padStart(2)}. ${s.at.stage}: no match (implicit drop)`,
        );
        break;
      case 'note':
        out.push(`${indent}    * ${s.text}`);
        break;
      case 'branch':
        out.push(`${indent}    ${s.label}`);
        detailed(s.steps, out, `${indent}        `);
        break;
      case 'outcome':
        out.push(`${indent}    /* ${formatOutcome(s.outcome)} */`);
        break;
    }
  }
}

function summary(steps: readonly TraceStep[], out: string[], indent: string): void {
  let open = 0;
  let pad = indent;
  for (const s of steps) {
    switch (s.kind) {
      case 'pipeline':
        out.push(`${pad}${header(s)} {`);
        open++;
        pad = `${indent}${'    '.repeat(open)}`;
        break;
      case 'flow':
        if (trivial(s.flow)) break;
        for (const a of actionLines(s.flow)) {
          // Control flow alone says nothing a reader of the summary needs.
          if (a !== 'next;') out.push(`${pad}${a}`);
        }
        break;
      case 'no-match':
        out.push(`${pad}/* no match in ${s.at.stage} */`);
        break;
      case 'note':
        break;
      case 'branch':
        out.push(`${pad}${s.label.replace(' { … }', '')} {`);
        summary(s.steps, out, `${pad}    `);
        out.push(`${pad}};`);
        break;
      case 'outcome':
        out.push(`${pad}/* ${formatOutcome(s.outcome)} */`);
        break;
    }
  }
  for (; open > 0; open--) out.push(`${indent}${'    '.repeat(open - 1)}};`);
}

/**
 * Each delivered packet: its header fields that differ from the packet sent, as assignments of
 * constants, then `output("port");`. Generated packets (ARP, ICMP …) sit in their generator's
 * braces, compared with the packet that generated them, as the reader expects.
 */
function minimal(
  steps: readonly TraceStep[],
  out: string[],
  before: Record<string, string>,
  indent: string,
): void {
  for (const s of steps) {
    if (s.kind === 'branch') {
      const generated = s.label.endsWith(' { … }');
      if (generated) out.push(`${indent}${s.label.replace(' { … }', '')} {`);
      minimal(s.steps, out, before, generated ? `${indent}    ` : indent);
      if (generated) out.push(`${indent}};`);
    }
    if (s.kind !== 'outcome' || s.outcome.kind !== 'delivered') continue;
    const after = describePacket(s.outcome.packet);
    for (const [k, v] of Object.entries(after)) {
      const metadata =
        /^reg\d+$/.test(k) ||
        k.startsWith('ct_') ||
        k === 'inport' ||
        k === 'outport' ||
        k === 'metadata';
      if (before[k] !== v && !metadata) out.push(`${indent}${k} = ${v};`);
    }
    out.push(`${indent}output("${s.outcome.port}");`);
  }
}
