/**
 * Inbound sanitizer: text written by people (issue bodies, comments, PR descriptions) is untrusted
 * and goes through here before it reaches the model. It removes what a human reviewer cannot see
 * but a model reads: HTML comments, invisible and bidi-control characters, the Unicode tag block
 * ("ASCII smuggling"), variation selectors, hidden HTML attributes, image alt text, link titles and
 * character entities that could rebuild any of these. Same defence as Copilot's agent and
 * claude-code-action's sanitizer, plus the tag block and variation selectors that one misses.
 */

// Zero-width, joiners, word joiner, invisible operators, soft hyphen, Mongolian vowel separator,
// BOM, bidi embeddings/overrides/isolates, line/paragraph separators, C0 (except \t \n \r) and C1.
const INVISIBLE =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class -- matching these characters one by one is the point
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u2028-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF9-\uFFFB\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/gu;
// Variation selectors supplement (U+E0100–E01EF).
const VARIATION_SUPPLEMENT = /[\u{E0100}-\u{E01EF}]/gu;
// Emoji tag sequences for subdivision flags (🏴 + tag letters/digits + cancel tag) are the only
// legitimate use of the tag block; keep those, drop every other tag character.
const FLAG_SEQUENCE = /\u{1F3F4}[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{2,6}\u{E007F}/gu;
const TAG_CHAR = /[\u{E0000}-\u{E007F}]/gu;

const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
const HIDDEN_ATTRIBUTE = /\s(?:alt|title|aria-[a-z-]+|data-[a-z0-9_-]+|placeholder|label|summary|content|value)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/gi;
const HTML_TAG = /<[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>/gi;
const IMAGE_ALT = /!\[[^\]]*\]\(/g;
const LINK_TITLE = /(\]\(\s*<?[^\s)>]+>?)\s+(?:"[^"]*"|'[^']*'|\([^)]*\))\s*\)/g;
const ENTITY = /&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z][a-z0-9]{1,31}));/gi;

const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function stripTagBlock(text: string): string {
  const flags: string[] = [];
  // The two private-use code points below park flags; drop any the input brought along.
  const parked = text.replace(/[\u{F0000}\u{F0001}]/gu, "").replace(FLAG_SEQUENCE, (flag) => `\u{F0000}${flags.push(flag) - 1}\u{F0001}`);
  const stripped = parked.replace(TAG_CHAR, "");
  return stripped.replace(/\u{F0000}(\d+)\u{F0001}/gu, (_m, i: string) => flags[Number(i)] ?? "");
}

/** Entities can rebuild invisible characters or markup; decode printable ones, drop the rest. */
function decodeEntities(text: string): string {
  return text.replace(ENTITY, (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (name !== undefined) return NAMED_ENTITIES[name.toLowerCase()] ?? "";
    const code = dec !== undefined ? Number(dec) : Number.parseInt(hex ?? "", 16);
    if (!Number.isFinite(code) || code > 0x10ffff) return "";
    const ch = String.fromCodePoint(code);
    return stripInvisible(ch) === ch ? ch : "";
  });
}

/** Remove invisible, bidi-control, tag-block and variation-selector characters. */
export function stripInvisible(text: string): string {
  return stripTagBlock(text.normalize("NFC")).replace(INVISIBLE, "").replace(VARIATION_SUPPLEMENT, "");
}

function stripHiddenMarkup(text: string): string {
  let out = text;
  // Repeat: removing one construct may reveal another (e.g. `<!-<!---->- x -->`).
  for (let i = 0; i < 5; i++) {
    const before = out;
    out = out
      .replace(HTML_COMMENT, "")
      .replace(HTML_TAG, (tag) => tag.replace(HIDDEN_ATTRIBUTE, ""))
      .replace(IMAGE_ALT, "![](")
      .replace(LINK_TITLE, "$1)");
    if (out === before) break;
  }
  return out;
}

/**
 * Sanitize untrusted text for a prompt. Idempotent; `sanitizeUntrusted(sanitizeUntrusted(x))`
 * equals `sanitizeUntrusted(x)`.
 */
export function sanitizeUntrusted(text: string): string {
  let out = text;
  // Until nothing changes: double-encoded entities (`&amp;#8203;`) decode one layer per pass.
  for (let i = 0; i < 5; i++) {
    const before = out;
    out = stripHiddenMarkup(stripInvisible(decodeEntities(stripInvisible(out))));
    if (out === before) break;
  }
  return out.replace(/\r\n?/g, "\n").replace(/\n{4,}/g, "\n\n\n").trim();
}

/** True when sanitizing changed the text (worth a log line: hidden content was present). */
export function hadHiddenContent(text: string): boolean {
  return sanitizeUntrusted(text) !== text.replace(/\r\n?/g, "\n").replace(/\n{4,}/g, "\n\n\n").trim();
}
