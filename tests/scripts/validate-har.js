#!/usr/bin/env node
// Validates HAR files against the HAR 1.2 schema with the npm har-validator
// package, then checks what the schema leaves out (timings add up to time, no
// negative durations, URLs that parse).
//
//   node validate-har.js FILE...
//
// Exit codes: 0 every file valid, 1 a file is invalid, 2 cannot run (no
// har-validator: `npm ci --prefix tests/scripts`, or unreadable file).
'use strict';

const fs = require('fs');

let validator;
try {
  validator = require('har-validator');
} catch (error) {
  console.error('har-validator is not installed: run "npm ci --prefix tests/scripts" ' +
                '(or put its node_modules on NODE_PATH)');
  process.exit(2);
}

function specProblems(har) {
  const problems = [];
  if (har.log.version !== '1.2')
    problems.push(`log.version is ${JSON.stringify(har.log.version)}, not "1.2"`);
  har.log.entries.forEach((entry, i) => {
    const where = `entries[${i}]`;
    const t = entry.timings;
    for (const key of ['send', 'wait', 'receive']) {
      if (t[key] < 0)
        problems.push(`${where}.timings.${key} is negative (${t[key]})`);
    }
    for (const key of ['blocked', 'dns', 'connect', 'ssl']) {
      if (key in t && t[key] < -1)
        problems.push(`${where}.timings.${key} is below -1 (${t[key]})`);
    }
    // HAR 1.2: time is the sum of the timings that apply (ssl is inside connect).
    const sum = ['blocked', 'dns', 'connect', 'send', 'wait', 'receive']
                    .filter((key) => key in t && t[key] >= 0)
                    .reduce((total, key) => total + t[key], 0);
    if (Math.abs(sum - entry.time) > 0.01)
      problems.push(`${where}.time is ${entry.time} but its timings add up to ${sum}`);
    if (entry.time < 0)
      problems.push(`${where}.time is negative`);
    try {
      new URL(entry.request.url);
    } catch (error) {
      problems.push(`${where}.request.url does not parse: ${entry.request.url}`);
    }
    const content = entry.response.content;
    if ('encoding' in content && content.encoding !== 'base64')
      problems.push(`${where}.response.content.encoding is ${content.encoding}`);
  });
  return problems;
}

async function validateFile(path) {
  let har;
  try {
    har = JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch (error) {
    console.error(`${path}: cannot read: ${error.message}`);
    return 2;
  }
  try {
    await validator.har(har);
  } catch (error) {
    console.log(`${path}: INVALID (schema)`);
    console.log(JSON.stringify(error.errors || error.message, null, 1));
    return 1;
  }
  const problems = specProblems(har);
  if (problems.length > 0) {
    console.log(`${path}: INVALID (HAR 1.2 rules)`);
    problems.forEach((problem) => console.log(`  ${problem}`));
    return 1;
  }
  console.log(`${path}: valid, ${har.log.entries.length} entries`);
  return 0;
}

(async () => {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: validate-har.js FILE...');
    process.exit(2);
  }
  let worst = 0;
  for (const file of files)
    worst = Math.max(worst, await validateFile(file));
  process.exit(worst);
})();
