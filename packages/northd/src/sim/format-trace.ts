import { describePacket } from './packet.js';
import type { Outcome, SimPacket, TraceStep } from './types.js';

/** ovn-trace's output levels: every flow (detailed), flows' actions nested by pipeline (summary), outcomes only (minimal). */
export type TraceDetail = 'detailed' | 'summary' | 'minimal';

/** A trace as text, in the manner of ovn-trace. `input` (the packet sent) lets minimal output show what changed. */
export function formatTrace(steps: readonly TraceStep[], detail: TraceDetail = 'detailed', input?: SimPacket): string {
  const out: string[] = [];
  if (detail === 'minimal') minimal(steps, out, input);
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

function provenance(f: Extract<TraceStep, { kind: 'flow' }>['flow']): string {
  const p = f.provenance;
  return p.nbTable ? `${p.builder}, ${p.nbTable} ${p.nbUuid}` : p.builder;
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
        out.push(`${indent}${String(s.at.table).padStart(2)}. ${s.at.stage} (priority ${s.flow.priority}): ${s.flow.match}  [${provenance(s.flow)}]`);
        out.push(`${indent}    ${s.flow.actions}`);
        break;
      case 'no-match':
        out.push(`${indent}${String(s.at.table).padStart(2)}. ${s.at.stage}: no match (implicit drop)`);
        break;
      case 'note':
        out.push(`${indent}    * ${s.text}`);
        break;
      case 'branch':
        out.push(`${indent}    ${s.label}`);
        detailed(s.steps, out, `${indent}        `);
        break;
      case 'outcome':
        out.push(`${indent}${formatOutcome(s.outcome)}`);
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
        // Plain pass-through flows say nothing a reader needs.
        if (s.flow.actions !== 'next;') out.push(`${pad}${s.flow.actions}`);
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

function minimal(steps: readonly TraceStep[], out: string[], input?: SimPacket): void {
  const before = input ? describePacket(input) : {};
  const walk = (ss: readonly TraceStep[]) => {
    for (const s of ss) {
      if (s.kind === 'branch') walk(s.steps);
      if (s.kind !== 'outcome') continue;
      out.push(formatOutcome(s.outcome));
      if (s.outcome.kind !== 'delivered') continue;
      const after = describePacket(s.outcome.packet);
      const changed = Object.entries(after)
        .filter(([k, v]) => before[k] !== v && !/^reg\d+$/.test(k) && k !== 'inport' && k !== 'outport')
        .map(([k, v]) => `${k} = ${v}`);
      if (changed.length) out.push(`    ${changed.join('; ')}`);
    }
  };
  walk(steps);
}
