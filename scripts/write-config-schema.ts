/**
 * `npm run schema`: writes agent.schema.json, the JSON Schema of `.github/agent.yml`, from the zod
 * schema the app parses with, so editors can validate and complete the file. A test keeps the
 * committed file in step with the code.
 */
import { writeFileSync } from "node:fs";
import { renderRepoConfigJsonSchema } from "../src/config/repo-config-json-schema.js";

writeFileSync(new URL("../agent.schema.json", import.meta.url), renderRepoConfigJsonSchema());
console.log("wrote agent.schema.json");
