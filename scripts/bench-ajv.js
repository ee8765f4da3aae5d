// bench-ajv.js - validate NDJSON on stdin with Ajv, for scripts/bench.
// Usage: node scripts/bench-ajv.js SCHEMA [NODE_PATH_DIR]
//   Validates each line against SCHEMA (all errors, as dq-validate reports
//   every violation), checks that "id" is unique across the stream (which
//   JSON Schema cannot say), and prints the counts on stderr.  The schema's
//   "formatMaximum": "today" becomes today's date (UTC, or DQ_TODAY).
//   Ajv and ajv-formats are loaded from NODE_PATH_DIR/node_modules when
//   given (scripts/bench installs them outside the repository).
'use strict';
const fs = require('fs');
const path = require('path');

const [schemaPath, modDir] = process.argv.slice(2);
if (!schemaPath) {
	process.stderr.write('usage: node bench-ajv.js SCHEMA [DIR]\n');
	process.exit(2);
}
const load = (name) =>
	require(modDir ? path.join(modDir, 'node_modules', name) : name);
const Ajv = load('ajv');
const addFormats = load('ajv-formats');

const today = process.env.DQ_TODAY || new Date().toISOString().slice(0, 10);
const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'),
	(k, v) => (k === 'formatMaximum' && v === 'today' ? today : v));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv, { mode: 'full', keywords: true });
const validate = ajv.compile(schema);

const ids = new Set();
let records = 0, bad = 0, errors = 0, rejected = 0, rest = '';

function line(s) {
	if (!s) return;
	let rec;
	try {
		rec = JSON.parse(s);
	} catch (e) {
		rejected++;
		return;
	}
	records++;
	let n = 0;
	if (!validate(rec)) n += validate.errors.length;
	const id = rec !== null && typeof rec === 'object' ? rec.id : undefined;
	if (id !== undefined && id !== null && id !== '') {
		const key = String(id);
		if (ids.has(key)) n++;
		else ids.add(key);
	}
	if (n) {
		bad++;
		errors += n;
	}
}

const input = fs.createReadStream(null, { fd: 0, encoding: 'utf8',
	highWaterMark: 1 << 20 });
input.on('data', (chunk) => {
	const parts = (rest + chunk).split('\n');
	rest = parts.pop();
	for (const s of parts) line(s);
});
input.on('end', () => {
	line(rest);
	process.stderr.write(`ajv: ${records} records, ${bad} with errors ` +
		`(${errors} errors), ${rejected} rejected\n`);
});
