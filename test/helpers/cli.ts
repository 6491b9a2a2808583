/** Runs the built CLI (`node dist/cli/main.js ...`) as a user would, with a hard timeout. */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cli = join(root, 'dist', 'cli', 'main.js');
const run = promisify(execFile);

// Each command is killed after 2 minutes (the slowest takes a few seconds):
// a hung child then fails its test instead of outliving tap's file timeout,
// which ends this process but not its children.
export const CHILD_TIMEOUT_MS = 120_000;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function flowcast(args: string[], cwd = root): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { cwd, maxBuffer: 64 << 20, timeout: CHILD_TIMEOUT_MS, killSignal: 'SIGKILL' });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number | null; killed?: boolean; stdout: string; stderr: string };
    if (e.killed) return { code: -1, stdout: e.stdout, stderr: `flowcast ${args.join(' ')}: killed after ${CHILD_TIMEOUT_MS / 1000} s\n${e.stderr}` };
    return { code: e.code ?? -1, stdout: e.stdout, stderr: e.stderr };
  }
}
