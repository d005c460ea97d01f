// The processes of `npm start`: children that die with it, pid files that let the next run stop
// what a killed run left behind, and who holds a port. Linux only (/proc); Node built-ins only.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((file) => existsSync(file));

/**
 * Spawns a child that gets SIGTERM (its clean stop) when this process dies, even by `kill -9`
 * (`setpriv --pdeathsig`, util-linux). It runs in a process group of its own, so a Ctrl-C reaches
 * only `npm start`, which then stops the children in order. Without setpriv it stays in our group.
 */
export function spawnLeashed(command, args, options) {
  if (!setpriv) return spawn(command, args, options);
  return spawn(setpriv, ['--pdeathsig', 'TERM', '--', command, ...args], { ...options, detached: true });
}

/** A pid file: the pid, a marker its command line must contain, and the stage it is stopped in. */
export function writePidFile(dir, name, entry) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.pid`), JSON.stringify({ name, ...entry }));
}

export function removePidFile(dir, name) {
  rmSync(path.join(dir, `${name}.pid`), { force: true });
}

function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie. */
export function isRunning(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitUntilGone(pids, seconds) {
  for (let waited = 0; waited < seconds * 10 && pids.some(isRunning); waited += 1) await new Promise((r) => setTimeout(r, 100));
  return pids.filter(isRunning);
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {
    /* already gone */
  }
}

/**
 * Stops what an earlier run left running, as recorded in `dir`: only a live process whose command
 * line still contains its marker (a reused pid is left alone), stage by stage (services, then the
 * chain's launcher, then wallet-rpcs, then monerod), each with SIGTERM, then SIGKILL.
 */
export async function stopLeftovers(dir, say) {
  if (!existsSync(dir)) return [];
  const entries = readdirSync(dir)
    .filter((file) => file.endsWith('.pid'))
    .map((file) => {
      try {
        return { file, ...JSON.parse(readFileSync(path.join(dir, file), 'utf8')) };
      } catch {
        return { file };
      }
    });
  const ours = (e) => Number.isInteger(e.pid) && isRunning(e.pid) && commandLine(e.pid)?.includes(e.marker);
  const leftovers = entries.filter(ours);
  for (const stage of [...new Set(leftovers.map((e) => e.stage))].sort((a, b) => a - b)) {
    // Checked again: a launcher stopped in an earlier stage stops its own wallet-rpcs and monerod.
    const inStage = leftovers.filter((e) => e.stage === stage && ours(e));
    if (inStage.length === 0) continue;
    say(`stopping what an earlier npm start left running: ${inStage.map((e) => `${e.name} (pid ${e.pid})`).join(', ')}`);
    for (const e of inStage) signal(e.pid, 'SIGTERM');
    const stubborn = await waitUntilGone(
      inStage.map((e) => e.pid),
      stage >= 3 ? 60 : 30,
    );
    for (const pid of stubborn) signal(pid, 'SIGKILL');
    await waitUntilGone(stubborn, 10);
  }
  for (const e of entries) rmSync(path.join(dir, e.file), { force: true });
  return leftovers.map((e) => e.name);
}

/** The process listening on a TCP port of this machine, from /proc: `{ pid, command }`, or undefined. */
export function portHolder(port) {
  const inodes = new Set();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT; state 0A is LISTEN; field 9 is the socket's inode.
      if (fields.length > 9 && fields[3] === '0A' && Number.parseInt(fields[1].split(':')[1], 16) === port) inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let fds = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target = '';
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) return { pid: Number(pid), command: commandLine(pid) ?? '?' };
    }
  }
  return { pid: undefined, command: 'a process this user cannot see' };
}

function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/**
 * Calls `onGone` once when the processes that started this one are gone: the parent, and up the
 * chain to the `npm` process (`npm start` runs `sh -c node …`, so a `kill -9` of npm leaves the
 * shell and us running, with nobody to stop the stack).
 */
export function whenParentsGone(onGone) {
  const chain = [process.ppid];
  for (let pid = process.ppid; chain.length < 4 && !/(^|\/)npm(-cli\.js)?( |$)/.test(commandLine(pid) ?? ''); ) {
    pid = parentOf(pid);
    if (!pid || pid <= 1) break;
    chain.push(pid);
  }
  const watched = chain.some((pid) => /npm/.test(commandLine(pid) ?? '')) ? chain : [process.ppid];
  const timer = setInterval(() => {
    if (process.ppid === watched[0] && watched.every(isRunning)) return;
    clearInterval(timer);
    onGone();
  }, 1000);
  timer.unref();
}
