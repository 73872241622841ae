/** Validates a SARIF log against the official SARIF 2.1.0 JSON schema shipped on npm. */
import { createRequire } from "node:module";
import AjvDraft04 from "ajv-draft-04";

// Microsoft's sarif-js-sdk ships the OASIS schema (2.1.0-rtm.5, JSON Schema draft-04, hence ajv-draft-04).
const require = createRequire(import.meta.url);
const sarifSchema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json") as object;

// unicodeRegExp off: one pattern in the published schema is not valid under the `u` flag.
// A CommonJS module: under NodeNext its class sits on `.default`.
const Ajv = AjvDraft04.default;
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
ajv.addFormat("uri", (v: string) => URL.canParse(v));
ajv.addFormat("uri-reference", (v: string) => URL.canParse(v, "file:///base/"));
ajv.addFormat("date-time", (v: string) => !Number.isNaN(Date.parse(v)));
const validate = ajv.compile(sarifSchema);

/** Schema errors as `path message` lines; empty when valid. */
export function validateSarif(log: unknown): string[] {
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
