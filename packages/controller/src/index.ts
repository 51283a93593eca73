// @ovn-ts/controller: the per-hypervisor daemon (OVN's ovn-controller) and its pure core.
// Daemon: runController. Core: ControllerCompiler / compileView (SB view → datapath flows),
// planInstall (installed → desired as flow mods), handlePunt (pinctrl), the table layout.

export { type ActionContext, compileActions } from './compile/actions.js';
export { type BindingChanges, bindingChanges } from './compile/bindings.js';
export {
  type CompileProblemReport,
  type CompileResult,
  type CompilerStats,
  ControllerCompiler,
  compileView,
  LflowCompileCache,
} from './compile/compiler.js';
export {
  type DesiredFlow,
  type DesiredState,
  FlowCollector,
  flowKey,
  type MaskedBits,
} from './compile/desired.js';
export { explainTrace } from './compile/explain-trace.js';
export { formatFlow, formatFlows } from './compile/format-flow.js';
export {
  COOKIE_OWNER,
  cookieOf,
  GENERATION_MASK,
  type InstalledState,
  type InstallPlan,
  nothingInstalled,
  OWNER_MASK,
  planInstall,
} from './compile/install-plan.js';
export { type CompiledLflow, compileLflow, type LflowEnv } from './compile/lflow.js';
export { decodePunt, encodePunt, type Punt } from './compile/punt.js';
export type * from './compile/sb-view.js';
export { emptyView } from './compile/sb-view.js';
export { FLAG, physicalTable, REG, TABLE } from './compile/tables.js';
export { indexView, localDatapaths, type ViewIndex } from './compile/view-index.js';
export { ZoneAllocator } from './compile/zones.js';
export {
  type ControllerHandle,
  type ControllerOptions,
  type ControllerStats,
  runController,
  type SyncReport,
} from './daemon/controller.js';
export { type LoadedView, loadView } from './daemon/load-view.js';
export { loadSbRows } from './daemon/sb-rows.js';
export { SharedSbFeed } from './daemon/shared-sb-feed.js';
export { TunnelMux } from './daemon/tunnel-mux.js';
export {
  handlePunt,
  type LearntBinding,
  type PuntEffect,
  restoreMetadata,
} from './pinctrl/handle-punt.js';
export {
  interestOf,
  noInterest,
  rowRelevant,
  type SbInterest,
  selectChanges,
} from './view/sb-interest.js';
export { type RowChange, SbViewModel, VIEW_TABLES } from './view/sb-view-model.js';
