import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { isRunning, portHolder, stopLeftovers, writePidFile } from './lib/processes.mjs';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pupero-processes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const waitFor = async (probe: () => boolean, what: string) => {
  for (let i = 0; i < 100 && !probe(); i += 1) await new Promise((r) => setTimeout(r, 100));
  assert.ok(probe(), what);
};

describe("npm start's processes", () => {
  it('stops what a killed run left behind, and nothing whose command line lacks its marker', async () => {
    const marker = path.join(dir, 'leftover-service.ts');
    // A leftover in a group of its own, as a killed npm start leaves its children.
    const leftover = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)', marker], { detached: true, stdio: 'ignore' });
    const pids = path.join(dir, 'pids');
    writePidFile(pids, 'leftover', { pid: leftover.pid!, marker, stage: 0 });
    writePidFile(pids, 'reused-pid', { pid: process.pid, marker: path.join(dir, 'not-this-process'), stage: 0 });
    const said: string[] = [];
    const stopped = await stopLeftovers(pids, (m) => said.push(m));
    assert.deepEqual(stopped, ['leftover']);
    await waitFor(() => !isRunning(leftover.pid!), 'the leftover is stopped');
    assert.ok(isRunning(process.pid), 'a reused pid is left alone');
    assert.deepEqual(readdirSync(pids), [], 'its pid files are gone');
    assert.match(said.join('\n'), /left running: leftover \(pid \d+\)/);
  });

  it('stops a child with SIGTERM when its parent dies by kill -9', async () => {
    const terminated = path.join(dir, 'terminated');
    const child = `process.on('SIGTERM', () => { require('node:fs').writeFileSync(${JSON.stringify(terminated)}, 'SIGTERM'); process.exit(0); }); setInterval(() => {}, 1e9);`;
    const parent = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { spawnLeashed } = await import(${JSON.stringify(new URL('./lib/processes.mjs', import.meta.url).href)});
         const c = spawnLeashed(process.execPath, ['-e', ${JSON.stringify(child)}], { stdio: 'ignore' });
         setTimeout(() => console.log(c.pid), 300); setInterval(() => {}, 1e9);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const childPid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (d) => resolve(String(d)))));
    assert.ok(isRunning(childPid));
    parent.kill('SIGKILL');
    await waitFor(() => existsSync(terminated) && !isRunning(childPid), 'the child stopped cleanly');
    assert.equal(readFileSync(terminated, 'utf8'), 'SIGTERM');
  });

  it('names the process that holds a port', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const holder = portHolder(port);
    assert.equal(holder?.pid, process.pid);
    assert.match(holder?.command ?? '', /node/);
    await new Promise((resolve) => server.close(resolve));
    assert.equal(portHolder(port), undefined, 'a free port has no holder');
  });
});
