/**
 * Types for the markdown-it modules shared/markdown.ts imports that ship none: the footnote plugin,
 * and the markdown-it rules (reached through its public "./*" export) that the parser
 * wraps with cost bounds.
 */
declare module "markdown-it-footnote" {
  import type { PluginSimple } from "markdown-it";

  const footnote: PluginSimple;
  export default footnote;
}

declare module "markdown-it/lib/rules_inline/link.mjs" {
  import type { StateInline } from "markdown-it";

  export default function link(state: StateInline, silent: boolean): boolean;
}

declare module "markdown-it/lib/rules_inline/image.mjs" {
  import type { StateInline } from "markdown-it";

  export default function image(state: StateInline, silent: boolean): boolean;
}

declare module "markdown-it/lib/rules_block/table.mjs" {
  import type { StateBlock } from "markdown-it";

  export default function table(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean;
}

declare module "markdown-it/lib/rules_inline/html_inline.mjs" {
  import type { StateInline } from "markdown-it";

  export default function html_inline(state: StateInline, silent: boolean): boolean;
}

declare module "markdown-it/lib/rules_block/reference.mjs" {
  import type { StateBlock } from "markdown-it";

  export default function reference(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean;
}

declare module "markdown-it/lib/rules_block/code.mjs" {
  import type { StateBlock } from "markdown-it";

  export default function code(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean;
}

declare module "markdown-it/lib/rules_block/html_block.mjs" {
  import type { StateBlock } from "markdown-it";

  export default function html_block(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean;
}
