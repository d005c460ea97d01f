// `npm test`: prepares the machine, then lint, typecheck and every test against the real MariaDB
// and RabbitMQ. Node's test runner prints the summary last.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { prepareMachine, root, say } from './lib/bootstrap.mjs';

// oathtool: an independent TOTP implementation; monero: a real regtest chain; docker-compose: the
// compose files are validated with a real parser (there is no engine to run them); chromium: the
// frontend's tests drive a real browser (playwright-core, never a downloaded one).
await prepareMachine({
  debianTools: [
    { name: 'oathtool', command: 'oathtool' },
    { name: 'monero', command: 'monerod' },
    { name: 'docker-compose', command: 'docker-compose' },
    { name: 'chromium', command: 'chromium' },
  ],
});

function step(label, command, args) {
  say(label);
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'generated' || entry.name.startsWith('.')) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return entry.name.endsWith('.test.ts') ? [path.relative(root, full)] : [];
  });
}

step('dropping test databases left by interrupted runs', 'pnpm', ['exec', 'tsx', 'scripts/drop-test-databases.ts']);
step('lint and format check (biome)', 'pnpm', ['exec', 'biome', 'check', '.']);
step('typecheck (tsc, every package)', 'pnpm', ['-r', '--workspace-concurrency=2', '--reporter=silent', 'run', 'typecheck']);
step('typecheck (tsc, scripts and benchmarks)', 'pnpm', ['exec', 'tsc', '-p', 'tsconfig.json']);
// The import rules of docs/architecture.md: no service imports another, nothing in production reaches the test stack.
const cruised = ['services', 'packages', 'scripts', 'bench'];
step('import rules (dependency-cruiser)', 'pnpm', ['exec', 'depcruise', '--config', '.dependency-cruiser.cjs', ...cruised]);
// The longest files start first (the reporter below prints them at the end of each run): one of them
// started last would run alone while the other slot idles. The rest follow in path order.
const SLOWEST_FIRST = [
  'scripts/faults.test.ts',
  'services/wallet-manager/src/unclean-stop.test.ts',
  'scripts/dockerfile-build.test.ts',
  'services/wallet-manager/src/crash.test.ts',
  'services/wallet-manager/src/withdrawals.test.ts',
  'services/wallet-manager/src/pool-relay.test.ts',
  'services/wallet-manager/src/dead-build.test.ts',
];
const rank = (file) => (SLOWEST_FIRST.includes(file) ? SLOWEST_FIRST.indexOf(file) : SLOWEST_FIRST.length);
const files = ['packages', 'services', 'scripts']
  .flatMap((dir) => testFiles(path.join(root, dir)))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
say(`running ${files.length} test files`);
// TAP on stdout as before; the slowest files on stderr at the end, to keep SLOWEST_FIRST true.
const reporters = [
  '--test-reporter=tap',
  '--test-reporter-destination=stdout',
  '--test-reporter=./scripts/lib/file-times.mjs',
  '--test-reporter-destination=stderr',
];
step('tests (node --test)', 'node', ['--import', 'tsx', '--test', '--test-concurrency=2', ...reporters, ...files]);
