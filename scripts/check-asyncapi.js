#!/usr/bin/env node
// Parses and validates docs/asyncapi.yaml (AsyncAPI 3), then checks every message example against
// its payload schema. Prints every diagnostic; exits non-zero on any error or warning.
const { readFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const { Parser, DiagnosticSeverity } = require('@asyncapi/parser');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const FILE = join(__dirname, '..', 'docs', 'asyncapi.yaml');
const NAME = relative(process.cwd(), FILE);
const SEVERITY = ['error', 'warning', 'info', 'hint'];

const main = async () => {
  const { document, diagnostics } = await new Parser().parse(readFileSync(FILE, 'utf8'), { source: FILE });
  let problems = 0;
  for (const d of diagnostics) {
    if (d.severity <= DiagnosticSeverity.Warning) problems++;
    const where = `${NAME}:${d.range.start.line + 1}:${d.range.start.character + 1}`;
    console.error(`${where} ${SEVERITY[d.severity] ?? d.severity} ${d.code}: ${d.message} (${d.path.join('.')})`);
  }
  if (document !== undefined) {
    // The parser marks resolved schemas with x-parser-* keys; they are not JSON Schema keywords.
    const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
    for (const message of document.allMessages()) {
      const examples = message.examples().all();
      if (examples.length === 0 || !message.hasPayload()) continue;
      const validate = ajv.compile(message.payload().json());
      for (const example of examples) {
        if (validate(example.payload())) continue;
        problems++;
        const errors = validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
        console.error(
          `${NAME}: error example-payload: example "${example.name()}" of message ${message.id()} does not match its payload: ${errors}`,
        );
      }
    }
  }
  if (document === undefined || problems > 0) {
    console.error(`${NAME}: ${problems} problem(s)${document === undefined ? '; not a valid AsyncAPI document' : ''}`);
    process.exit(1);
  }
  console.log(
    `${NAME}: valid AsyncAPI ${document.version()}, ${document.operations().length} operations, ${document.allMessages().length} messages`,
  );
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
