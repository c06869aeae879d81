// Validates docs/openapi.json with an independent OpenAPI 3.1 validator
// (@seriousme/openapi-schema-validator: the official OpenAPI schema, strict, with every
// $ref resolved). Run: node openapi_validate.mjs <path to openapi.json>
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';

const file = process.argv[2];
const doc = JSON.parse(readFileSync(file, 'utf8'));
const validator = new Validator();
const result = await validator.validate(doc);
if (!result.valid) {
  console.error(`${file} is not a valid OpenAPI document:`);
  console.error(JSON.stringify(result.errors, null, 2));
  process.exit(1);
}
if (validator.version !== '3.1') {
  console.error(`${file} is OpenAPI ${validator.version}; the daemon's document is 3.1`);
  process.exit(1);
}
// Every $ref must point into the document (the validator checks they resolve).
const resolved = await validator.resolveRefs();
if (!resolved || !resolved.paths) {
  console.error(`${file}: its $refs do not resolve`);
  process.exit(1);
}
console.log(`${file}: valid OpenAPI ${validator.version}, ${Object.keys(doc.paths).length} paths`);
