/**
 * JSON.parse that refuses duplicate object keys. JSON.parse silently keeps
 * the last of two equal keys, so a file header naming a tensor twice, or a
 * config with two `units`, would load one of them unnoticed.
 */

/**
 * The first key that appears twice in one object of `text` (compared after
 * unescaping, so "a" and "\u0061" are the same key), or undefined.
 * `text` must be valid JSON (parse it first): the scanner relies on that.
 */
export function findDuplicateKey(text: string): string | undefined {
  // One entry per open container: the keys seen so far, or null for an array.
  const open: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      let j = i + 1;
      while (text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      if (expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        const keys = open.at(-1)!;
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
      i = j;
    } else if (ch === 0x7b /* { */) {
      open.push(new Set());
      expectKey = true;
    } else if (ch === 0x5b /* [ */) {
      open.push(null);
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      open.pop();
      expectKey = false;
    } else if (ch === 0x2c /* , */) {
      expectKey = open.at(-1) instanceof Set;
    }
  }
  return undefined;
}

/**
 * JSON.parse, refusing duplicate keys.
 * @throws SyntaxError for invalid JSON or a duplicate key (callers wrap it in their typed error)
 */
export function parseJsonStrict(text: string): unknown {
  const value: unknown = JSON.parse(text);
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) throw new SyntaxError(`duplicate key ${JSON.stringify(duplicate)}`);
  return value;
}
