import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A TOTP code from Debian's `oathtool`, an implementation independent of ours, for the time
 * `atSeconds` (Unix seconds; default now).
 */
export async function oathtoolCode(base32Secret: string, atSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
  const { stdout } = await run('oathtool', ['--totp', '--base32', `--now=@${atSeconds}`, base32Secret]);
  return stdout.trim();
}
