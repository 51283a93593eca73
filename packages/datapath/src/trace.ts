import { CT_STATE_NAMES } from './key-layout.js';

/** What happened to a packet, step by step; `depth` is the resubmit nesting. */
export type TraceEvent =
  | {
      readonly kind: 'table';
      readonly depth: number;
      readonly table: number;
      readonly flow: TraceFlow | undefined;
    }
  | { readonly kind: 'action'; readonly depth: number; readonly text: string }
  | {
      readonly kind: 'ct';
      readonly depth: number;
      readonly zone: number;
      readonly commit: boolean;
      readonly stateBefore: number;
      readonly stateAfter: number;
      readonly mark: number;
      readonly recircTable: number | undefined;
    }
  | { readonly kind: 'output'; readonly depth: number; readonly port: number }
  | { readonly kind: 'skip'; readonly depth: number; readonly text: string }
  | {
      readonly kind: 'punt';
      readonly depth: number;
      readonly reason: string;
      readonly pause: boolean;
    }
  | { readonly kind: 'drop'; readonly depth: number; readonly reason: string }
  | { readonly kind: 'recirc'; readonly depth: number; readonly table: number }
  /** The key bits this pass's outcome depended on: the megaflow it would be cached under. */
  | { readonly kind: 'megaflow'; readonly depth: number; readonly match: string };

export interface TraceFlow {
  readonly cookie: bigint;
  readonly priority: number;
  readonly match: string;
  readonly actions: string;
}

export interface TraceResult {
  readonly events: readonly TraceEvent[];
  /** Frames the packet would leave by, in order. */
  readonly outputs: readonly { readonly port: number; readonly frame: Uint8Array }[];
  /** Packets that would go to the controller. */
  readonly punts: number;
  /** Set when nothing was output or punted: the last drop reason seen. */
  readonly dropReason: string | undefined;
  readonly text: string;
}

export function ctStateText(s: number): string {
  if (s === 0) return '0';
  return CT_STATE_NAMES.filter(([b]) => (s & b) !== 0)
    .map(([, n]) => `+${n}`)
    .join('');
}

/** Renders events as indented text, in the spirit of ofproto/trace. */
export function formatTrace(events: readonly TraceEvent[]): string {
  const lines: string[] = [];
  for (const e of events) {
    const pad = '    '.repeat(e.depth);
    switch (e.kind) {
      case 'table':
        lines.push(
          e.flow
            ? `${pad}${e.table}. ${e.flow.match || '(any)'}, priority ${e.flow.priority}, cookie 0x${e.flow.cookie.toString(16)}`
            : `${pad}${e.table}. No match.`,
        );
        break;
      case 'action':
        lines.push(`${pad}    ${e.text}`);
        break;
      case 'ct':
        lines.push(
          `${pad}    ct(zone=${e.zone}${e.commit ? ',commit' : ''}): ct_state ${ctStateText(e.stateBefore)} -> ${ctStateText(e.stateAfter)}` +
            (e.mark ? `, ct_mark=0x${e.mark.toString(16)}` : ''),
        );
        break;
      case 'output':
        lines.push(`${pad}    -> output to port ${e.port}`);
        break;
      case 'skip':
        lines.push(`${pad}    (${e.text})`);
        break;
      case 'punt':
        lines.push(`${pad}    -> controller (${e.reason}${e.pause ? ', paused' : ''})`);
        break;
      case 'drop':
        lines.push(`${pad}    -> drop: ${e.reason}`);
        break;
      case 'recirc':
        lines.push('', `recirculate to table ${e.table}:`);
        break;
      case 'megaflow':
        lines.push(`${pad}Megaflow: ${e.match || '(any)'}`);
        break;
    }
  }
  return lines.join('\n');
}
