/**
 * `.env` for every entry point (`npm start`, `npm run worker`): what Probot's setup flow writes and
 * what the README tells operators to fill in. Values already in the environment win, as with dotenv.
 */
import { existsSync, readFileSync } from "node:fs";
import { parseEnv as parseDotEnv } from "node:util";

export function loadDotEnv(file = ".env", target: NodeJS.ProcessEnv = process.env): void {
  if (!existsSync(file)) return;
  for (const [key, value] of Object.entries(parseDotEnv(readFileSync(file, "utf8")))) {
    if (target[key] === undefined) target[key] = value;
  }
}
