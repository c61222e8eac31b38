// Validates an OpenAPI document (argv[2]) with swagger-parser: the OpenAPI
// 3.1 schema, every $ref resolved. Then checks podgen's shape: only POST
// operations, each with a JSON request object, a 200 and the error answers.
import SwaggerParser from "@apidevtools/swagger-parser";
import { readFileSync } from "node:fs";

const file = process.argv[2];
const raw = JSON.parse(readFileSync(file, "utf8"));
const api = await SwaggerParser.validate(structuredClone(raw));
if (api.openapi !== "3.1.0") throw new Error(`${file}: openapi is ${api.openapi}`);
let ops = 0;
for (const [path, item] of Object.entries(raw.paths)) {
  const methods = Object.keys(item);
  if (methods.join() !== "post") throw new Error(`${file}: ${path} has ${methods}`);
  const op = item.post;
  if (op.requestBody.content["application/json"].schema.type !== "object") throw new Error(`${file}: ${path}: body is no object`);
  for (const status of ["200", "400", "default"]) {
    if (!op.responses[status]) throw new Error(`${file}: ${path}: no ${status} response`);
  }
  ops++;
}
if (!raw.components.securitySchemes.bearerAuth) throw new Error(`${file}: no bearer scheme`);
console.log(`${file}: valid OpenAPI ${api.openapi}, ${ops} operations, ${Object.keys(raw.components.schemas).length} schemas`);
