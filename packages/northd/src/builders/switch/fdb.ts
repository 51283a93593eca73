import type { SwitchInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { lspSource } from './port-security-addrs.js';
import { portKey, REGBIT_LKUP_FDB } from './registers.js';

/**
 * MAC learning (ls_in_lookup_fdb, ls_in_put_fdb): frames from an ordinary VM port that takes
 * unknown MACs and has no port security teach the switch "eth.src lives behind inport", so
 * later frames to that MAC go to the port instead of being flooded to _MC_unknown. The lookup
 * keeps an already learnt pair from being written again.
 */
export function buildFdb(input: SwitchInput, sink: FlowSink): void {
  sink.add('ls_in_lookup_fdb', 0, '1', 'next;');
  sink.add('ls_in_put_fdb', 0, '1', 'next;');
  for (const p of input.ports) {
    if (p.row.type !== '' || !p.unknown || p.portSecurity.length || !p.enabled) continue;
    const m = `inport == ${portKey(p.row.name)}`;
    sink.add(
      'ls_in_lookup_fdb',
      100,
      m,
      `${REGBIT_LKUP_FDB} = lookup_fdb(inport, eth.src); next;`,
      lspSource(p),
    );
    sink.add(
      'ls_in_put_fdb',
      100,
      `${m} && ${REGBIT_LKUP_FDB} == 0`,
      'put_fdb(inport, eth.src); next;',
      lspSource(p),
    );
  }
}
