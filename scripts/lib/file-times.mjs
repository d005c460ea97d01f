// A node --test reporter beside the TAP one: at the end, the slowest test files and their time
// (the sum of their top-level tests), so that the order in scripts/test.mjs can start them first.
import path from 'node:path';

export default async function* fileTimes(source) {
  const times = new Map();
  for await (const event of source) {
    if ((event.type !== 'test:pass' && event.type !== 'test:fail') || event.data.nesting !== 0 || !event.data.file) continue;
    const file = path.relative(process.cwd(), event.data.file);
    times.set(file, (times.get(file) ?? 0) + (event.data.details?.duration_ms ?? 0));
  }
  const slowest = [...times].sort((a, b) => b[1] - a[1]).slice(0, 15);
  yield `[pupero] slowest test files: ${slowest.map(([file, ms]) => `${file} ${Math.round(ms / 1000)} s`).join(', ')}\n`;
}
