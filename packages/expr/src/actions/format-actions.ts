// Canonical text of action lists: OVN's spelling (`tcp.dst = 80;`, `ct_next(dnat);`,
// `ct_lb_mark(backends=10.0.0.1:80,10.0.0.2:80);` …), which parses back to an equal tree.

import { quoteString } from '../lexer.js';
import { formatIpv4, formatIpv6, formatMasked, formatValue } from '../values.js';
import type {
  Action,
  ActionConstant,
  ActionConstantSet,
  ActionField,
  IpAddress,
  LbBackend,
} from './ast.js';
import { formatLbKey } from './lb-key.js';

export function formatActionField(f: ActionField): string {
  if (f.ofs === 0 && f.nBits === f.width) return f.name;
  return f.nBits === 1 ? `${f.name}[${f.ofs}]` : `${f.name}[${f.ofs}..${f.ofs + f.nBits - 1}]`;
}

export function formatActionConstant(c: ActionConstant): string {
  if (c.kind === 'string') return quoteString(c.value);
  if (c.mask === undefined) return formatValue(c.value, c.format);
  // Decimal value/mask pairs stay decimal: the lexer reads `1/1` back as it was written.
  if (c.format === 'decimal') return `${c.value}/${c.mask}`;
  return formatMasked(c.value, c.mask, c.format);
}

export function formatActionConstantSet(s: ActionConstantSet): string {
  const body = s.values.map(formatActionConstant).join(', ');
  return s.braces || s.values.length !== 1 ? `{${body}}` : body;
}

function formatIp(ip: IpAddress): string {
  return ip.family === 'ipv4' ? formatIpv4(ip.value) : formatIpv6(ip.value);
}

function formatBackend(b: LbBackend): string {
  const prefix = b.port === undefined ? '' : `${quoteString(b.port)}:`;
  if (!b.l4Port) return prefix + formatIp(b.ip);
  return b.ip.family === 'ipv4'
    ? `${prefix}${formatIp(b.ip)}:${b.l4Port}`
    : `${prefix}[${formatIp(b.ip)}]:${b.l4Port}`;
}

const options = (opts: readonly { name: string; value: ActionConstantSet }[]): string[] =>
  opts.map((o) => `${o.name} = ${formatActionConstantSet(o.value)}`);

/** One action, with its terminating `;`. */
export function formatAction(a: Action): string {
  switch (a.kind) {
    case 'simple':
      switch (a.name) {
        case 'dec_ttl':
          return 'ip.ttl--;';
        case 'handle_bfd_msg':
          return 'handle_bfd_msg();';
        default:
          return `${a.name};`;
      }
    case 'next':
      if (a.pipeline !== a.srcPipeline) return `next(pipeline=${a.pipeline}, table=${a.table});`;
      return a.table === a.srcTable + 1 ? 'next;' : `next(${a.table});`;
    case 'load':
      return `${formatActionField(a.dst)} = ${formatActionConstant(a.value)};`;
    case 'move':
      return `${formatActionField(a.dst)} = ${formatActionField(a.src)};`;
    case 'exchange':
      return `${formatActionField(a.a)} <-> ${formatActionField(a.b)};`;
    case 'push':
    case 'pop':
      return `${a.kind}(${formatActionField(a.field)});`;
    case 'ct_next':
    case 'ct_commit_to_zone':
    case 'ct_commit_nat':
      return `${a.kind}(${a.zone});`;
    case 'nested':
      if (a.name === 'ct_commit' && a.actions.length === 0) return 'ct_commit;';
      return `${a.name} { ${formatActions(a.actions)} };`;
    case 'ct_nat': {
      if (!a.ip) return `${a.name};`;
      const range = a.portRange
        ? `,${a.portRange.lo}${a.portRange.hi === undefined ? '' : `-${a.portRange.hi}`}`
        : '';
      return `${a.name}(${formatIp(a.ip)}${range});`;
    }
    case 'ct_lb': {
      if (!a.backends.length && a.hashFields === undefined && !a.flag) return `${a.name};`;
      let s = `${a.name}(backends=${a.backends.map(formatBackend).join(',')}`;
      if (a.hashFields !== undefined) s += `; hash_fields=${quoteString(a.hashFields)}`;
      if (a.flag) s += `; ${a.flag}`;
      return `${s});`;
    }
    case 'select': {
      const members = a.members.map((m) => `${m.id}=${m.weight}`).join(', ');
      const args =
        a.hashFields === undefined
          ? members
          : `values=(${members}); hash_fields=${quoteString(a.hashFields)}`;
      return `${formatActionField(a.dst)} = select(${args});`;
    }
    case 'result':
      return `${formatActionField(a.dst)} = ${a.name}();`;
    case 'get_arp':
    case 'get_nd':
      return `${a.kind}(${formatActionField(a.port)}, ${formatActionField(a.ip)});`;
    case 'put_arp':
    case 'put_nd':
      return `${a.kind}(${[a.port, a.ip, a.mac].map(formatActionField).join(', ')});`;
    case 'lookup_arp':
    case 'lookup_nd':
      return (
        `${formatActionField(a.dst)} = ${a.kind}(` +
        `${[a.port, a.ip, a.mac].map(formatActionField).join(', ')});`
      );
    case 'lookup_arp_ip':
    case 'lookup_nd_ip':
      return `${formatActionField(a.dst)} = ${a.kind}(${formatActionField(a.port)}, ${formatActionField(a.ip)});`;
    case 'chk_evpn_arp':
      return `${formatActionField(a.dst)} = chk_evpn_arp(${formatActionField(a.ip)});`;
    case 'put_dhcp_opts':
    case 'put_dhcpv6_opts':
    case 'put_nd_ra_opts':
      return `${formatActionField(a.dst)} = ${a.kind}(${options(a.options).join(', ')});`;
    case 'dhcp_relay_req_chk':
    case 'dhcp_relay_resp_chk':
      return (
        `${formatActionField(a.dst)} = ${a.kind}(` +
        `${formatIpv4(a.relayIp)}, ${formatIpv4(a.serverIp)});`
      );
    case 'set_queue':
      return `set_queue(${a.queueId});`;
    case 'set_meter':
      return a.burst ? `set_meter(${a.rate}, ${a.burst});` : `set_meter(${a.rate});`;
    case 'log': {
      const parts: string[] = [];
      if (a.name !== undefined) parts.push(`name=${quoteString(a.name)}`);
      parts.push(`verdict=${a.verdict}`, `severity=${a.severity}`);
      if (a.meter !== undefined) parts.push(`meter=${quoteString(a.meter)}`);
      return `log(${parts.join(', ')});`;
    }
    case 'check_pkt_larger':
      return `${formatActionField(a.dst)} = check_pkt_larger(${a.length});`;
    case 'trigger_event':
      return `trigger_event(${[`event = ${quoteString(a.event)}`, ...options(a.options)].join(', ')});`;
    case 'bind_vport':
      return `bind_vport(${quoteString(a.vport)}, ${formatActionField(a.parent)});`;
    case 'handle_svc_check':
      return `handle_svc_check(${formatActionField(a.port)});`;
    case 'fwd_group': {
      if (!a.liveness && !a.childPorts.length) return 'fwd_group;';
      const liveness = a.liveness ? 'liveness="true", ' : '';
      return `fwd_group(${liveness}childports=${a.childPorts.map(quoteString).join(', ')});`;
    }
    case 'put_fdb':
      return `put_fdb(${formatActionField(a.port)}, ${formatActionField(a.mac)});`;
    case 'get_fdb':
    case 'get_remote_fdb':
      return `${formatActionField(a.dst)} = ${a.kind}(${formatActionField(a.mac)});`;
    case 'lookup_fdb':
      return (
        `${formatActionField(a.dst)} = lookup_fdb(` +
        `${formatActionField(a.port)}, ${formatActionField(a.mac)});`
      );
    case 'commit_ecmp_nh':
      return `commit_ecmp_nh(ipv6 = ${a.ipv6}, proto = ${a.proto});`;
    case 'commit_lb_aff': {
      const parts = [
        `vip = ${quoteString(formatLbKey(a.vip, a.vipPort))}`,
        `backend = ${quoteString(formatLbKey(a.backend, a.backendPort))}`,
      ];
      if (a.proto) parts.push(`proto = ${a.proto}`);
      parts.push(`timeout = ${a.timeout}`);
      return `commit_lb_aff(${parts.join(', ')});`;
    }
    case 'sample': {
      const point =
        a.obsPoint === 'cookie'
          ? '$cookie'
          : typeof a.obsPoint === 'number'
            ? String(a.obsPoint)
            : formatActionField(a.obsPoint);
      return (
        `sample(probability=${a.probability},collector_set=${a.collectorSet},` +
        `obs_domain=${a.obsDomain},obs_point=${point});`
      );
    }
    case 'mirror':
      return `mirror(${quoteString(a.port)});`;
  }
}

/** An action list; the empty list is `drop;`. */
export function formatActions(actions: readonly Action[]): string {
  return actions.length === 0 ? 'drop;' : actions.map(formatAction).join(' ');
}
