// @ovn-ts/sandbox: a virtual lab in one process. Sandbox (northd + hypervisors over NB and SB),
// Hypervisor (datapath + controller + VMs), Vm (an in-memory machine answering ARP, ping, TCP
// SYN, UDP) with its pure core VmCore, and the tunnel underlays (memory, Geneve on loopback).

export { type Decoded, decodeFrame, type Ip4Header } from './frame.js';
export { Hypervisor, type HypervisorOptions, type VmSpec } from './hypervisor.js';
export { type Ip4Prefix, parseIp4Prefix, sameSubnet } from './ip4-prefix.js';
export { Sandbox, type SandboxOptions, type WaitOptions } from './sandbox.js';
export { MemoryUnderlay, UdpUnderlay, type Underlay } from './underlay.js';
export {
  type ConnectResult,
  type PingOptions,
  type PingProbe,
  type PingResult,
  type UdpDatagram,
  Vm,
  type VmOptions,
} from './vm.js';
export { type VmConfig, VmCore, type VmEvent, type VmOutput } from './vm-core.js';
