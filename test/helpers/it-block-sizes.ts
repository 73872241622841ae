/**
 * The length in lines of every `it(...)` / `it.each(...)(...)` / `test(...)` block of a test file,
 * found with the TypeScript parser (not a regex), for the "no 80-line multi-behaviour `it`" guard.
 */
import { readFileSync } from "node:fs";
import ts from "typescript";

export interface ItBlock {
  file: string;
  name: string;
  line: number;
  lines: number;
}

function isItCallee(expression: ts.Expression): boolean {
  if (ts.isIdentifier(expression)) return expression.text === "it" || expression.text === "test";
  // it.each([...])("name", fn), it.concurrent("name", fn)
  if (ts.isPropertyAccessExpression(expression)) return isItCallee(expression.expression);
  if (ts.isCallExpression(expression)) return isItCallee(expression.expression);
  return false;
}

/** The `it` blocks of `file` (its text read from disk unless given). */
export function itBlocks(file: string, text = readFileSync(file, "utf8")): ItBlock[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const blocks: ItBlock[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && isItCallee(node.expression) && node.arguments.length >= 2) {
      const [title, body] = node.arguments;
      if (body && (ts.isArrowFunction(body) || ts.isFunctionExpression(body))) {
        const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        blocks.push({ file, name: title && ts.isStringLiteralLike(title) ? title.text : "<dynamic name>", line: start + 1, lines: end - start + 1 });
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return blocks;
}
