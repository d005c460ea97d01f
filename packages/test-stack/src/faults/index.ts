// Faults under load (issue 12): the harness that restarts each part of a private stack while a
// workload runs through the gateway, and checks afterwards that nothing was lost or doubled.

export { type TargetName, targetNames } from './platform.ts';
export { formatReport, reportJson } from './report.ts';
export { type Fault, type FaultRecord, type FaultsReport, faultPlan, type RunOptions, runFaults } from './run.ts';
