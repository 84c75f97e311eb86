// Text read from JumpServer (a title, a comment) ends up inside program code. Each string is
// written as a double-quoted literal with everything but printable ASCII escaped, so no value
// can close the literal, start a template (`${…}` is plain text in a double-quoted literal),
// or smuggle a line break, a bidi control or a lone surrogate into the file.

/** Code points written as themselves: printable ASCII but the quote and the backslash. */
const plain = (cp: number) => cp >= 0x20 && cp < 0x7f && cp !== 0x22 && cp !== 0x5c;

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

/** A Python `str` literal: `\uXXXX`/`\UXXXXXXXX` escapes by code point. */
export function pythonString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (plain(cp)) out += ch;
    else if (cp === 0x22) out += '\\"';
    else if (cp === 0x5c) out += "\\\\";
    else if (cp === 0x0a) out += "\\n";
    else if (cp === 0x0d) out += "\\r";
    else if (cp === 0x09) out += "\\t";
    else if (cp <= 0xffff) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return `${out}"`;
}

/** A TypeScript string literal: `\uXXXX` escapes by UTF-16 unit (astral as a surrogate pair). */
export function typescriptString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (plain(unit)) out += text[i];
    else if (unit === 0x22) out += '\\"';
    else if (unit === 0x5c) out += "\\\\";
    else if (unit === 0x0a) out += "\\n";
    else if (unit === 0x0d) out += "\\r";
    else if (unit === 0x09) out += "\\t";
    else out += `\\u${hex(unit, 4)}`;
  }
  return `${out}"`;
}

/** A number as both languages write it (JSON numbers are finite). */
export function numberLiteral(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  return String(n);
}
