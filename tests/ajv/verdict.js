// Reference verdicts: node verdict.js SCHEMA.json DATA.json... prints "valid" or "invalid" per data file.
// Data files are JSON documents produced by dativo-check's own YAML loader, so only the validators are compared.
"use strict";
const fs = require("fs");
const Ajv2019 = require("ajv/dist/2019").default;
const addFormats = require("ajv-formats").default;

const schema = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const ajv = new Ajv2019({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);
for (const file of process.argv.slice(3)) {
  const ok = validate(JSON.parse(fs.readFileSync(file, "utf8")));
  process.stdout.write(`${ok ? "valid" : "invalid"}\t${file}\n`);
}
