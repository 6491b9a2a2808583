/**
 * Crash-safe file replacement for model files: the bytes go to a temporary
 * file beside the target (`<name>.tmp-<pid>-<n>`), which is fsynced and then
 * renamed over the target, and the directory is fsynced where the platform
 * allows it (not on Windows), so after a crash or power loss the path holds
 * either the old file or the complete new one, never a torn mix.
 *
 * A process killed mid-save leaves its temporary file behind; the next save
 * or load of the same path removes those whose process is gone (a live
 * process's temporary file may be a save in progress and is left alone).
 */
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

let sequence = 0;

/** `<name>.tmp-<pid>` (earlier flowcast) or `<name>.tmp-<pid>-<n>`: the pid, or null for another file. */
function temporaryOwner(file: string, name: string): number | null {
  if (!file.startsWith(`${name}.tmp-`)) return null;
  const m = /^(\d+)(?:-\d+)?$/.exec(file.slice(name.length + 5));
  return m ? Number(m[1]) : null;
}

/** True if a process with this id exists (EPERM: it exists but belongs to someone else). */
function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files that killed saves of `path` left behind.
 * Best effort: an unreadable directory or a file that vanished is no error.
 * @returns the names removed
 */
export async function removeStaleTemporaries(path: string): Promise<string[]> {
  const dir = dirname(path);
  const name = basename(path);
  let files: string[];
  try {
    files = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const file of files) {
    const pid = temporaryOwner(file, name);
    if (pid === null || processAlive(pid)) continue;
    try {
      await unlink(join(dir, file));
      removed.push(file);
    } catch {
      // Another process removed it first, or it is not ours to remove.
    }
  }
  return removed;
}

/**
 * fsync a directory so a rename in it survives a crash. Where that is not
 * supported (Windows; some network and FUSE file systems answer EINVAL, or
 * refuse to open a directory) the save stands: the file itself was fsynced
 * before the rename, and the rename has happened.
 */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Not supported here; see above.
  } finally {
    await handle?.close();
  }
}

/**
 * Replaces `path` with `bytes` atomically and durably (see the file comment).
 * @throws the fs error (the caller names the path in its typed error); the temporary file is removed
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await removeStaleTemporaries(path);
  const tmp = `${path}.tmp-${process.pid}-${sequence++}`;
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dirname(path));
}
