// End-to-end: `sfmcp login` against the emulated org's authorize page, driven in a real
// headless Chromium (Debian's, through playwright-core), then MCP tool calls as that user
// through the TypeScript SDK, then `sfmcp status` and `sfmcp logout`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const bin = process.env.SFMCP_BIN || resolve(import.meta.dirname, '../../bin/sfmcp');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'sfmcp-login-'));
const env = { ...process.env, SFMCP_TOKEN_KEY: randomBytes(32).toString('base64') };
let org, orgProc, cfgPath;

const freePort = () => new Promise((res) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
});

before(async () => {
  orgProc = spawn(bin, ['demo', '--org-only', '--addr', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  org = await new Promise((res, rej) => {
    let buf = '';
    orgProc.stdout.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) res(JSON.parse(buf.slice(0, nl)));
    });
    orgProc.on('exit', (code) => rej(new Error(`demo org exited ${code}`)));
  });
  env.SF_SECRET = org.client_secret;
  cfgPath = join(dir, 'config.yaml');
  writeFileSync(cfgPath, `user: alice
connections:
  - name: acme
    instance_url: ${org.instance_url}
    login_url: ${org.login_url}
    mode: per_user
    flow: authorization_code
    client_id: ${org.client_id}
    client_secret_env: SF_SECRET
    callback_port: ${await freePort()}
store:
  backend: file
  path: ${join(dir, 'tokens.enc')}
`);
});

after(() => orgProc?.kill());

const run = (args) => promisify(execFile)(bin, [...args, '--config', cfgPath], { env });

async function mcp() {
  const client = new Client({ name: 'login-e2e', version: '1' });
  await client.connect(new StdioClientTransport({ command: bin, args: ['serve', '--config', cfgPath], env, stderr: 'ignore' }));
  return client;
}
const text = (r) => r.content.map((c) => c.text).join('');

test('before login, tools say how to connect', async () => {
  const c = await mcp();
  try {
    const r = await c.callTool({ name: 'query_records', arguments: { soql: 'SELECT Id FROM Account' } });
    assert.equal(r.isError, true);
    assert.match(text(r), /sfmcp login/);
  } finally { await c.close(); }
});

test('sfmcp login through the authorize page in headless Chromium, then calls run as that user', async () => {
  const login = spawn(bin, ['login', '--no-browser', '--config', cfgPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  login.stdout.on('data', (d) => { out += d; });
  const url = await new Promise((res, rej) => {
    login.stderr.on('data', (d) => {
      err += d;
      const m = err.match(/(http:\/\/\S+\/services\/oauth2\/authorize\S+)/);
      if (m) res(m[1]);
    });
    login.on('exit', (code) => rej(new Error(`login exited ${code}: ${err}`)));
  });
  const exited = new Promise((res) => login.on('exit', res));

  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    const alice = org.users.find((u) => u.username.startsWith('alice'));
    await page.fill('#username', alice.username);
    await page.fill('#password', alice.password);
    await page.click('#allow');
    await page.waitForURL(/OauthRedirect/);
    assert.match(await page.content(), /sfmcp/i);
  } finally { await browser.close(); }

  assert.equal(await exited, 0, err);
  assert.match(out, /connected acme as alice@/);
  assert.equal(statSync(join(dir, 'tokens.enc')).mode & 0o777, 0o600);

  const c = await mcp();
  try {
    // Opportunity sharing is private: alice sees only her own.
    const r = await c.callTool({ name: 'query_records', arguments: { soql: 'SELECT Owner.Name FROM Opportunity' } });
    assert.ok(!r.isError, text(r));
    const owners = new Set(text(r).split('\n').slice(2).filter(Boolean));
    assert.deepEqual([...owners], ['Alice Anders']);
  } finally { await c.close(); }

  const { stdout: status } = await run(['status']);
  assert.match(status, /acme\s+per_user\s+authorization_code\s+alice@/);
  assert.doesNotMatch(status, new RegExp(org.client_secret));
  const { stdout: check } = await run(['status', '--check']);
  assert.match(check, /^PASS acme/m);

  const { stdout: bye } = await run(['logout']);
  assert.match(bye, /logged out/);
  const c2 = await mcp();
  try {
    const r = await c2.callTool({ name: 'query_records', arguments: { soql: 'SELECT Id FROM Account' } });
    assert.equal(r.isError, true);
    assert.match(text(r), /sfmcp login/);
  } finally { await c2.close(); }
});
