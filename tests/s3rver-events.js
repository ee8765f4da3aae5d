// s3rver-events.js MODULES DATA PORTFILE EVENTDIR BUCKET
//
// Runs s3rver (the npm S3-compatible server, installed under MODULES) on
// 127.0.0.1 on a free port, with BUCKET created, and writes each S3 event
// notification it raises to EVENTDIR/N.json (N = 1, 2, ...; written to a
// temporary name and renamed, so a reader never sees half a file).  The
// port goes to PORTFILE once the server listens.  Used by
// tests/clients.bats to drive dq-s3-event with the real aws CLI.
'use strict';
const fs = require('fs');
const path = require('path');

const [modules, data, portFile, eventDir, bucket] = process.argv.slice(2);
const S3rver = require(path.join(modules, 'node_modules', 's3rver'));
const server = new S3rver({
	address: '127.0.0.1',
	port: 0,
	silent: true,
	directory: data,
	configureBuckets: [{ name: bucket }],
});
let n = 0;
server.on('event', (event) => {
	n += 1;
	const tmp = path.join(eventDir, `.${n}.tmp`);
	fs.writeFileSync(tmp, JSON.stringify(event));
	fs.renameSync(tmp, path.join(eventDir, `${n}.json`));
});
server.run().then((addr) => {
	fs.writeFileSync(portFile + '.tmp', String(addr.port));
	fs.renameSync(portFile + '.tmp', portFile);
}, (err) => {
	console.error(err);
	process.exit(2);
});
