// DRF reports a malformed JSON body with Python's json error text ("JSON parse error - Expecting
// ',' delimiter: line 1 column 9 (char 8)"); clients and the golden replay see that exact text, so
// this scanner finds the first error the way CPython 3.11's json module does.

class PyJsonError extends Error {
  constructor(
    readonly msg: string,
    readonly pos: number,
  ) {
    super(msg);
  }
}

const WS = /[ \t\n\r]*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;

function skip(s: string, i: number): number {
  WS.lastIndex = i;
  WS.exec(s);
  return WS.lastIndex;
}

function scanString(s: string, start: number): number {
  // start is the index just after the opening quote
  let i = start;
  for (;;) {
    if (i >= s.length) throw new PyJsonError("Unterminated string starting at", start - 1);
    const c = s[i];
    if (c === '"') return i + 1;
    if (c === "\\") {
      const e = s[i + 1];
      if (e === undefined) throw new PyJsonError("Unterminated string starting at", start - 1);
      if (e === "u") {
        if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6)))
          throw new PyJsonError("Invalid \\uXXXX escape", i + 1);
        i += 6;
        continue;
      }
      if (!'"\\/bfnrt'.includes(e)) throw new PyJsonError("Invalid \\escape", i);
      i += 2;
      continue;
    }
    if (c < " ") throw new PyJsonError("Invalid control character at", i);
    i++;
  }
}

function scanValue(s: string, i: number): number {
  const c = s[i];
  if (c === '"') return scanString(s, i + 1);
  if (c === "{") return scanObject(s, i + 1);
  if (c === "[") return scanArray(s, i + 1);
  for (const word of ["null", "true", "false", "NaN", "Infinity", "-Infinity"])
    if (s.startsWith(word, i)) return i + word.length;
  NUMBER.lastIndex = i;
  if (c !== undefined && NUMBER.exec(s)) return NUMBER.lastIndex;
  throw new PyJsonError("Expecting value", i);
}

function scanObject(s: string, i: number): number {
  i = skip(s, i);
  if (s[i] === "}") return i + 1;
  for (;;) {
    if (s[i] !== '"') throw new PyJsonError("Expecting property name enclosed in double quotes", i);
    i = scanString(s, i + 1);
    i = skip(s, i);
    if (s[i] !== ":") throw new PyJsonError("Expecting ':' delimiter", i);
    i = skip(s, i + 1);
    i = scanValue(s, i);
    i = skip(s, i);
    if (s[i] === "}") return i + 1;
    if (s[i] !== ",") throw new PyJsonError("Expecting ',' delimiter", i);
    i = skip(s, i + 1);
  }
}

function scanArray(s: string, i: number): number {
  i = skip(s, i);
  if (s[i] === "]") return i + 1;
  for (;;) {
    i = scanValue(s, i);
    i = skip(s, i);
    if (s[i] === "]") return i + 1;
    if (s[i] !== ",") throw new PyJsonError("Expecting ',' delimiter", i);
    i = skip(s, i + 1);
  }
}

/** Python's message for the first error in `text`, or null when Python would accept it. */
export function pythonJsonError(text: string): string | null {
  try {
    let i = skip(text, 0);
    i = scanValue(text, i);
    i = skip(text, i);
    if (i !== text.length) throw new PyJsonError("Extra data", i);
    return null;
  } catch (e) {
    if (!(e instanceof PyJsonError)) throw e;
    const line = text.slice(0, e.pos).split("\n").length;
    const lastNl = text.lastIndexOf("\n", e.pos - 1);
    const col = e.pos - lastNl;
    return `${e.msg}: line ${line} column ${col} (char ${e.pos})`;
  }
}
