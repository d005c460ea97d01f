import type { ChildProcess, SpawnOptions } from 'node:child_process';

export interface PidEntry {
  pid: number;
  marker: string;
  stage: number;
}
export function spawnLeashed(command: string, args: string[], options: SpawnOptions): ChildProcess;
export function writePidFile(dir: string, name: string, entry: PidEntry): void;
export function removePidFile(dir: string, name: string): void;
export function isRunning(pid: number): boolean;
export function stopLeftovers(dir: string, say: (message: string) => void): Promise<string[]>;
export function portHolder(port: number): { pid: number | undefined; command: string } | undefined;
export function whenParentsGone(onGone: () => void): void;
