// Records what OrderCloud's official JS SDK 12.0.0 sends for every operation of
// spec/ordercloud-today.json, so that a Rust test can send the same arguments through the
// Rust operations and compare method, path, query and body. A maintainer runs it where node
// is present, after `cargo xtask spec`; CI never does (the test reads the committed output).
//
// Install the SDK in a scratch directory outside the repository, from the same pinned
// package `cargo xtask spec` reads (spec/README.md gives its SHA-256):
//
//   mkdir /tmp/oc-record && cd /tmp/oc-record
//   npm pack ordercloud-javascript-sdk@12.0.0        # ordercloud-javascript-sdk-12.0.0.tgz
//   npm init -y && npm install ./ordercloud-javascript-sdk-12.0.0.tgz axios@1.21.1
//
// then, from the repository's root:
//
//   node spec/today/record.mjs /tmp/oc-record
//
// It writes spec/today/recorded.json. The SDK talks only to a capture server on 127.0.0.1
// (a port the system picks) with a made-up token; nothing leaves the machine. The same
// description and SDK give the same bytes: arguments are derived from the description
// alone, and the output holds no port, time or token.

import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const scratch = process.argv[2];
if (!scratch) {
  console.error('usage: node spec/today/record.mjs <directory where ordercloud-javascript-sdk@12.0.0 is installed>');
  process.exit(2);
}
const requireFromScratch = createRequire(join(resolve(scratch), 'package.json'));
const sdkPackage = requireFromScratch('ordercloud-javascript-sdk/package.json');
const axiosPackage = requireFromScratch('axios/package.json');
if (sdkPackage.version !== '12.0.0') {
  console.error(`ordercloud-javascript-sdk is ${sdkPackage.version}, not 12.0.0`);
  process.exit(1);
}
const sdk = requireFromScratch('ordercloud-javascript-sdk');

const DESCRIPTION = 'spec/ordercloud-today.json';
const OUTPUT = 'spec/today/recorded.json';
const descriptionText = readFileSync(DESCRIPTION, 'utf8');
const description = JSON.parse(descriptionText);
const schemas = description.components.schemas;

// ---------- arguments, from the description alone ----------

const refName = (schema) => {
  const ref = schema.$ref || (schema.allOf && schema.allOf[0] && schema.allOf[0].$ref);
  return ref ? ref.replace('#/components/schemas/', '') : null;
};
const isEnum = (name) => Array.isArray(schemas[name] && schemas[name].enum);

// A sample text within the field's maximum length.
const sampleText = (name, maxLength) => {
  const value = `${name}-1`;
  return maxLength ? value.slice(0, maxLength) : value;
};

// A value for a property or an item of `schema`; `depth` stops nested models.
function sample(name, schema, depth) {
  const ref = refName(schema);
  if (ref) {
    if (isEnum(ref)) return schemas[ref].enum[0];
    return depth >= 2 ? undefined : sampleModel(ref, depth + 1);
  }
  switch (schema.type) {
    case 'array': {
      const item = sample(name, schema.items, depth);
      return item === undefined ? [] : [item];
    }
    case 'string':
      return schema.format === 'date-time' ? '2024-01-02T03:04:05+00:00' : sampleText(name, schema.maxLength);
    case 'integer':
      return 2;
    case 'number':
      return 2.5;
    case 'boolean':
      return true;
    case 'object':
      return name === 'xp' ? { Color: 'blue', Size: 2 } : { Key: 'value' };
    default:
      throw new Error(`${name}: a schema of type ${schema.type}`);
  }
}

// Every writable field of `model` (xp included), each with a sample value.
function sampleModel(model, depth) {
  const out = {};
  for (const [field, property] of Object.entries(schemas[model].properties || {})) {
    if (property.readOnly) continue;
    const value = sample(field, property, depth);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

// The value of a path or query parameter.
function parameterValue(parameter, index) {
  const schema = parameter.schema;
  const ref = refName(schema);
  if (ref) {
    const values = parameter['x-enum-subset'] || schemas[ref].enum;
    return values[0];
  }
  if (parameter.in === 'path') return `id-${index + 1}`;
  switch (parameter.name) {
    case 'page':
      return 2;
    case 'pageSize':
      return 5;
    case 'search':
      return 'blue shirt';
    case 'searchOn': {
      const values = (schema.items && schema.items.enum) || ['ID'];
      return values.slice(0, 2);
    }
    case 'sortBy': {
      const values = (schema.items && schema.items.enum) || ['ID', '!Name'];
      const ascending = values.find((v) => !v.startsWith('!'));
      const descending = values.find((v) => v.startsWith('!') && v !== `!${ascending}`);
      return [ascending, descending].filter(Boolean);
    }
    case 'filters':
      return { 'xp.Color': 'blue' };
    default:
      break;
  }
  switch (schema.type) {
    case 'string':
      return `q-${parameter.name}`;
    case 'boolean':
      return true;
    case 'integer':
      return 3;
    case 'number':
      return 3.5;
    default:
      throw new Error(`${parameter.name}: a parameter of type ${schema.type}`);
  }
}

// The names of a method's arguments, from its source.
function argumentNames(method) {
  const source = method.toString();
  const list = source.slice(source.indexOf('(') + 1, source.indexOf(')'));
  return list.split(',').map((name) => name.trim()).filter(Boolean);
}

// ---------- the capture server ----------

let captured = [];
const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const url = request.url;
    const mark = url.indexOf('?');
    const text = Buffer.concat(chunks).toString('utf8');
    captured.push({
      method: request.method,
      path: mark < 0 ? url : url.slice(0, mark),
      query: mark < 0 ? '' : url.slice(mark + 1),
      body: text === '' ? null : JSON.parse(text),
    });
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end('{}');
  });
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const { port } = server.address();

sdk.Configuration.Set({ baseApiUrl: `http://127.0.0.1:${port}` });
// A made-up token the SDK accepts without refreshing: a JWT that expires in 2100.
const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
sdk.Tokens.SetAccessToken(`${encode({ alg: 'none', typ: 'JWT' })}.${encode({ usr: 'recorder', exp: 4102444800 })}.x`);

// ---------- every operation ----------

const records = [];
for (const item of Object.values(description.paths)) {
  for (const operation of Object.values(item)) {
    const id = operation.operationId;
    const [resource, name] = id.split('.');
    const api = sdk[resource];
    const method = api && Object.getPrototypeOf(api)[name];
    if (typeof method !== 'function') throw new Error(`${id}: the SDK has no such method`);
    const parameters = operation.parameters || [];
    const path = {};
    parameters.filter((p) => p.in === 'path').forEach((p, index) => (path[p.name] = parameterValue(p, index)));
    const query = {};
    for (const p of parameters.filter((p) => p.in === 'query')) query[p.name] = parameterValue(p, 0);
    const bodyModel = operation.requestBody && refName(operation.requestBody.content['application/json'].schema);
    const body = bodyModel ? sampleModel(bodyModel, 0) : null;
    const names = argumentNames(method);
    const args = names.map((arg) => {
      if (arg in path) return path[arg];
      if (arg === 'listOptions') return query;
      if (arg === 'requestOptions') return undefined;
      return body;
    });
    const notInJs = parameters
      .filter((p) => p.in === 'query' && !(p['x-sources'] || []).includes('js'))
      .map((p) => p.name);
    captured = [];
    await method.apply(api, args);
    if (captured.length !== 1) throw new Error(`${id}: ${captured.length} requests`);
    const record = { id, args: { path, query, body }, sent: captured[0] };
    if (notInJs.length) record.query_not_declared_by_js = notInJs;
    if (!names.includes('listOptions') && Object.keys(query).length) record.query_not_sendable_by_js = true;
    records.push(record);
  }
}
server.close();

const head = {
  sdk: `ordercloud-javascript-sdk@${sdkPackage.version}`,
  axios: axiosPackage.version,
  description: `${DESCRIPTION} ${description.info.version}`,
  // A replay can tell the description moved on since this recording.
  description_sha256: createHash('sha256').update(descriptionText).digest('hex'),
  note: 'args: what the recorder gave each operation (path parameters, query parameters, body); sent: the request the SDK made (path with the /v1 prefix, the raw query string, the JSON body). See record.mjs.',
};
const text = JSON.stringify(head, null, 2).replace(/\n\}$/, ',\n  "operations": [\n') +
  records.map((record) => '    ' + JSON.stringify(record)).join(',\n') + '\n  ]\n}\n';
JSON.parse(text);
writeFileSync(OUTPUT, text);
console.log(`recorded ${records.length} operations to ${OUTPUT}`);
