// A datapath trace read in logical terms (what `ovn-trace --ovs` shows): each flow the packet hit is
// named by the logical flow it came from (stage, priority, match, actions) when the cookie and table
// say so, or by the physical table's role otherwise.

import type { TraceEvent, TraceResult } from '@ovn-ts/datapath';
import { uuidSource } from './desired.js';
import type { SbView, ViewFlow } from './sb-view.js';
import { MAX_EGRESS_TABLES, MAX_INGRESS_TABLES, TABLE } from './tables.js';

const PHYSICAL: Readonly<Record<number, string>> = {
  [TABLE.PHY_TO_LOG]: 'physical to logical',
  [TABLE.REMOTE_OUTPUT]: 'remote output',
  [TABLE.LOCAL_OUTPUT]: 'local output',
  [TABLE.CHECK_LOOPBACK]: 'loopback check',
  [TABLE.SAVE_INPORT]: 'save in_port',
  [TABLE.LOG_TO_PHY]: 'logical to physical',
  [TABLE.MAC_BINDING]: 'MAC binding (get_arp/get_nd)',
  [TABLE.MAC_LOOKUP]: 'MAC lookup (lookup_arp/lookup_nd)',
  [TABLE.GET_FDB]: 'FDB (get_fdb)',
  [TABLE.LOOKUP_FDB]: 'FDB lookup (lookup_fdb)',
  [TABLE.MAC_LOOKUP_IP]: 'MAC lookup (lookup_arp_ip)',
};

/** The logical pipeline and table of a physical table, if it holds logical flows. */
function logical(table: number): { pipeline: 'ingress' | 'egress'; table: number } | undefined {
  if (table >= TABLE.LOG_INGRESS && table < TABLE.LOG_INGRESS + MAX_INGRESS_TABLES)
    return { pipeline: 'ingress', table: table - TABLE.LOG_INGRESS };
  if (table >= TABLE.LOG_EGRESS && table < TABLE.LOG_EGRESS + MAX_EGRESS_TABLES)
    return { pipeline: 'egress', table: table - TABLE.LOG_EGRESS };
  return undefined;
}

/** Logical flows by the 32 bits their cookies carry. */
export function flowsBySource(view: SbView): Map<number, ViewFlow[]> {
  const m = new Map<number, ViewFlow[]>();
  for (const f of view.flows.values()) {
    const k = uuidSource(f.uuid);
    const list = m.get(k);
    if (list) list.push(f);
    else m.set(k, [f]);
  }
  return m;
}

function describe(
  e: Extract<TraceEvent, { kind: 'table' }>,
  bySource: Map<number, ViewFlow[]>,
): string {
  if (!e.flow) return `${e.table}: no flow matched`;
  const l = logical(e.table);
  const source = Number(e.flow.cookie & 0xffffffffn);
  const lf =
    l &&
    bySource
      .get(source)
      ?.find(
        (f) =>
          f.pipeline === l.pipeline && f.tableId === l.table && f.priority === e.flow!.priority,
      );
  if (lf)
    return `${e.table}: ${lf.stage} (priority ${lf.priority}) match=(${lf.match}) actions=(${lf.actions}) [${lf.uuid}]`;
  const role = PHYSICAL[e.table] ?? (l ? `logical ${l.pipeline} table ${l.table}` : 'table');
  return `${e.table}: ${role}, priority ${e.flow.priority}${e.flow.match ? `, ${e.flow.match}` : ''} actions=${e.flow.actions}`;
}

/** The trace as indented lines, flows named by their logical origin. */
export function explainTrace(result: TraceResult, view: SbView): string {
  const bySource = flowsBySource(view);
  const lines: string[] = [];
  for (const e of result.events) {
    const pad = '  '.repeat(e.depth);
    switch (e.kind) {
      case 'table':
        lines.push(pad + describe(e, bySource));
        break;
      case 'output':
        lines.push(`${pad}→ output to port ${e.port}`);
        break;
      case 'punt':
        lines.push(`${pad}→ to the controller (${e.reason}${e.pause ? ', paused' : ''})`);
        break;
      case 'ct':
        lines.push(
          `${pad}ct(zone ${e.zone}${e.commit ? ', commit' : ''})${e.recircTable === undefined ? '' : ` → table ${e.recircTable}`}`,
        );
        break;
      case 'drop':
        lines.push(`${pad}✗ dropped: ${e.reason}`);
        break;
      case 'recirc':
        lines.push(`${pad}recirculate to table ${e.table}`);
        break;
      default:
        break;
    }
  }
  return lines.join('\n');
}
