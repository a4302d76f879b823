// End-to-end: the official MCP TypeScript SDK client drives `sfmcp demo` over stdio.
// Run by test/e2e/run.sh (which builds bin/sfmcp); SFMCP_BIN overrides the binary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const bin = process.env.SFMCP_BIN || resolve(import.meta.dirname, '../../bin/sfmcp');
const dir = mkdtempSync(join(tmpdir(), 'sfmcp-e2e-'));

function config(yaml) {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, yaml);
  return path;
}

// connect starts `sfmcp demo` and connects a client. answer: undefined (the client
// cannot elicit), or 'accept' / 'decline' / 'cancel' (it can, and answers so).
async function connect({ answer, yaml = 'user: e2e\n' } = {}) {
  const capabilities = answer ? { elicitation: { form: {} } } : {};
  const client = new Client({ name: 'sfmcp-e2e', version: '1.0.0' }, { capabilities });
  const prompts = [];
  if (answer) {
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      prompts.push(req.params.message);
      return answer === 'accept' ? { action: 'accept', content: { approve: true } } : { action: answer };
    });
  }
  const transport = new StdioClientTransport({
    command: bin,
    args: ['demo', '--config', config(yaml)],
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d) => { stderr += d; });
  await client.connect(transport);
  return { client, prompts, stderr: () => stderr, close: () => client.close() };
}

const text = (res) => res.content.map((c) => c.text).join('');
const call = (client, name, args) => client.callTool({ name, arguments: args });

async function firstId(client, soql) {
  const res = await call(client, 'query_records', { soql });
  assert.ok(!res.isError, text(res));
  const line = text(res).split('\n')[2];
  assert.ok(line, `no rows for ${soql}: ${text(res)}`);
  return line.split(',')[0];
}

test('lists the eight tools with annotations, and prints one banner line', async () => {
  const s = await connect();
  try {
    const { tools } = await s.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), [
      'create_record', 'delete_record', 'describe_object', 'get_record',
      'log_activity', 'query_records', 'search_records', 'update_record']);
    for (const t of tools) {
      assert.equal(typeof t.annotations.readOnlyHint, 'boolean', t.name);
      assert.equal(typeof t.annotations.destructiveHint, 'boolean', t.name);
    }
    assert.match(s.stderr(), /sfmcp demo/);
    assert.match(s.client.getInstructions() ?? '', /describe_object/);
  } finally { await s.close(); }
});

test('every tool succeeds on the demo org (writes approved through elicitation)', async () => {
  const s = await connect({ answer: 'accept' });
  try {
    const c = s.client;
    let res = await call(c, 'describe_object', {});
    assert.ok(!res.isError && /Account/.test(text(res)), text(res));
    res = await call(c, 'describe_object', { object: 'Account' });
    assert.ok(!res.isError && /^Name,/m.test(text(res)), text(res));
    res = await call(c, 'query_records', { soql: 'SELECT Id, Name, Industry, Owner.Name FROM Account ORDER BY Name LIMIT 5' });
    assert.ok(!res.isError, text(res));
    assert.match(text(res), /^total=\d+ returned=5/);
    assert.match(text(res), /^Id,Name,Industry,Owner\.Name$/m);
    const accountId = text(res).split('\n')[2].split(',')[0];
    res = await call(c, 'get_record', { id: accountId, fields: ['Name', 'Industry'] });
    assert.ok(!res.isError, text(res));
    assert.match(text(res), /^Name,/m);
    const name = text(res).match(/^Name,(.*)$/m)[1].replace(/^"|"$/g, '');
    res = await call(c, 'search_records', { text: name.split(/\s+/).find((w) => w.length > 2) || name });
    assert.ok(!res.isError, text(res));

    res = await call(c, 'create_record', { object: 'Account', fields: { Name: 'E2E Created Co' } });
    assert.ok(!res.isError, text(res));
    const created = text(res).match(/created Account (\w{18})/)[1];
    assert.equal(s.prompts.length, 1, 'one approval prompt');
    assert.match(s.prompts[0], /create_record/);
    assert.match(s.prompts[0], /E2E Created Co/);

    res = await call(c, 'update_record', { id: created, fields: { Industry: 'Energy' } });
    assert.ok(!res.isError, text(res));
    assert.match(text(res), /Industry,,Energy/);
    assert.match(s.prompts[1], /Industry: null → "Energy"/);

    res = await call(c, 'log_activity', { type: 'call', record_id: created, subject: 'Intro call', duration_minutes: 5 });
    assert.ok(!res.isError, text(res));
    assert.match(text(res), /created Task 00T/);

    res = await call(c, 'delete_record', { id: created });
    assert.ok(!res.isError, text(res));
    res = await call(c, 'query_records', { soql: `SELECT Id FROM Account WHERE Id = '${created}'` });
    assert.match(text(res), /^total=0/);
  } finally { await s.close(); }
});

test('a disabled tool is absent and refused', async () => {
  const s = await connect({ answer: 'accept', yaml: 'policy:\n  tools:\n    delete_record: disabled\n' });
  try {
    const { tools } = await s.client.listTools();
    assert.ok(!tools.some((t) => t.name === 'delete_record'));
    const id = await firstId(s.client, 'SELECT Id FROM Contact LIMIT 1');
    let refused = false;
    try {
      const res = await call(s.client, 'delete_record', { id });
      refused = res.isError === true;
    } catch (e) {
      refused = true;
    }
    assert.ok(refused, 'calling a disabled tool must fail');
    assert.equal(await firstId(s.client, `SELECT Id FROM Contact WHERE Id = '${id}'`), id, 'record still there');
  } finally { await s.close(); }
});

for (const answer of ['decline', 'cancel', undefined]) {
  test(`a write is not done when the client ${answer ? `answers ${answer}` : 'cannot elicit'}`, async () => {
    const s = await connect({ answer });
    try {
      const res = await call(s.client, 'create_record', { object: 'Account', fields: { Name: `Never Created ${answer}` } });
      assert.equal(res.isError, true, text(res));
      assert.match(text(res), answer ? /did not approve/ : /approval required/);
      const check = await call(s.client, 'query_records', { soql: `SELECT Id FROM Account WHERE Name = 'Never Created ${answer}'` });
      assert.match(text(check), /^total=0/);
    } finally { await s.close(); }
  });
}

test('a forged approval is refused', async () => {
  const s = await connect({ answer: 'accept' });
  try {
    const res = await s.client.request({
      method: 'tools/call',
      params: {
        name: 'create_record',
        arguments: { object: 'Account', fields: { Name: 'Forged Approval' } },
        requestState: 'forged.state',
        inputResponses: { approve: { action: 'accept', content: { approve: true } } },
      },
    }, (await import('@modelcontextprotocol/sdk/types.js')).CallToolResultSchema);
    assert.equal(res.isError, true);
    assert.match(text(res), /approval refused/);
    const check = await call(s.client, 'query_records', { soql: "SELECT Id FROM Account WHERE Name = 'Forged Approval'" });
    assert.match(text(check), /^total=0/);
  } finally { await s.close(); }
});
