// sqs-server.js MODULES PORTFILE
//
// Runs local-aws-sqs (an SQS-compatible server from npm that speaks both
// the AWS query and the JSON protocol, installed under MODULES) on
// 127.0.0.1 on a free port, written to PORTFILE once it listens.  Used by
// tests/clients.bats to drive dq-s3-event --sqs with the real aws CLI.
'use strict';
const fs = require('fs');
const path = require('path');

const [modules, portFile] = process.argv.slice(2);
const { createSqsServer } = require(path.join(modules, 'node_modules', 'local-aws-sqs'));
createSqsServer({ port: 0, hostname: '127.0.0.1' }).then((server) => {
	fs.writeFileSync(portFile + '.tmp', String(server.address().port));
	fs.renameSync(portFile + '.tmp', portFile);
}, (err) => {
	console.error(err);
	process.exit(2);
});
