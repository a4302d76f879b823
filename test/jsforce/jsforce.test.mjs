// Fidelity test: jsforce, an independent Salesforce client, against the sfmcp emulated org.
//
// The org is described by one JSON line (the output of `sfmcp demo --org-only` or of
// ./orgserver): {"instance_url","login_url","client_id","client_secret","users":[...]},
// given in the environment variable SFMCP_ORG or as the first line of stdin.
// Run it with ./run.sh.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import jsforce from 'jsforce';

const API_VERSION = '62.0';
const CALLBACK = 'http://localhost:1717/OauthRedirect';

const org = JSON.parse(process.env.SFMCP_ORG || readFileSync(0, 'utf8').split('\n')[0]);
const password = (username) => org.users.find((u) => u.username === username).password;

// oauth2 builds a jsforce OAuth2 client for the org.
function oauth2(loginUrl, extra = {}) {
  return new jsforce.OAuth2({ loginUrl, clientId: org.client_id, clientSecret: org.client_secret, ...extra });
}

// clientCredentials returns a connection authorized with the client-credentials flow on
// the My Domain host (the run-as user is integration@acme.demo).
async function clientCredentials() {
  const conn = new jsforce.Connection({ oauth2: oauth2(org.instance_url), version: API_VERSION });
  const userInfo = await conn.authorize({ grant_type: 'client_credentials' });
  return { conn, userInfo };
}

const entities = { '&amp;': '&', '&#43;': '+', '&#34;': '"', '&#39;': "'", '&lt;': '<', '&gt;': '>' };
const unescape = (s) => s.replace(/&(amp|#43|#34|#39|lt|gt);/g, (m) => entities[m]);

// loginAndAllow plays the browser on the authorize page: GET it, submit its form with the
// user's credentials and Allow, and return the code from the redirect.
async function loginAndAllow(authzUrl, username) {
  const page = await fetch(authzUrl, { redirect: 'manual' });
  assert.equal(page.status, 200, 'authorize page');
  const html = await page.text();
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(name, unescape(value));
  }
  form.set('username', username);
  form.set('password', password(username));
  form.set('action', 'allow');
  const action = new URL(html.match(/<form[^>]*action="([^"]+)"/)[1], authzUrl);
  const res = await fetch(action, { method: 'POST', body: form, redirect: 'manual' });
  assert.equal(res.status, 302, 'authorize POST redirects');
  const loc = new URL(res.headers.get('location'));
  assert.equal(loc.origin + loc.pathname, CALLBACK);
  assert.equal(loc.searchParams.get('state'), 'jsforce-state');
  const code = loc.searchParams.get('code');
  assert.ok(code, `no code in ${loc}`);
  return code;
}

// webServerFlow authorizes a connection as username with the authorization-code flow
// (PKCE via jsforce's useVerifier plus the client secret), so it holds a refresh token.
async function webServerFlow(username) {
  const oa = oauth2(org.login_url, { redirectUri: CALLBACK, useVerifier: true });
  const code = await loginAndAllow(oa.getAuthorizationUrl({ scope: 'api refresh_token id', state: 'jsforce-state' }), username);
  const conn = new jsforce.Connection({ oauth2: oa, version: API_VERSION });
  const userInfo = await conn.authorize(code);
  return { conn, userInfo };
}

// inChunks maps fn over items, at most 20 at a time, and returns the results in order.
async function inChunks(items, fn) {
  const out = [];
  for (let i = 0; i < items.length; i += 20) {
    out.push(...(await Promise.all(items.slice(i, i + 20).map(fn))));
  }
  return out;
}

async function rejects(promise, name, message) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.name, name, `error name (message: ${err.message})`);
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  });
}

describe('OAuth', () => {
  it('client credentials on the My Domain host', async () => {
    const { conn, userInfo } = await clientCredentials();
    assert.equal(conn.instanceUrl, org.instance_url);
    assert.match(conn.accessToken, /^00D[0-9A-Za-z]{12}!AQ/);
    assert.match(userInfo.organizationId, /^00D[0-9A-Za-z]{15}$/);
    assert.match(userInfo.id, /^005[0-9A-Za-z]{15}$/);
    assert.ok(userInfo.url.startsWith(`${org.login_url}/id/`), userInfo.url);
    assert.equal(conn.refreshToken, undefined);
    const identity = await conn.identity();
    assert.equal(identity.username, 'integration@acme.demo');
    assert.equal(identity.user_id, userInfo.id);
  });

  it('client credentials on the login host is refused', async () => {
    const conn = new jsforce.Connection({ oauth2: oauth2(org.login_url), version: API_VERSION });
    await rejects(conn.authorize({ grant_type: 'client_credentials' }), 'invalid_grant', 'request not supported on this domain');
  });

  it('a wrong client secret is refused', async () => {
    const oa = new jsforce.OAuth2({ loginUrl: org.instance_url, clientId: org.client_id, clientSecret: 'wrong' });
    await rejects(oa.requestToken({ grant_type: 'client_credentials' }), 'invalid_client', 'invalid client credentials');
    const unknown = new jsforce.OAuth2({ loginUrl: org.instance_url, clientId: '3MVG9unknown', clientSecret: 'x' });
    await rejects(unknown.requestToken({ grant_type: 'client_credentials' }), 'invalid_client_id', 'client identifier invalid');
  });

  it('authorization code with PKCE, then jsforce refreshes an invalid session by itself', async () => {
    const { conn, userInfo } = await webServerFlow('alice@acme.demo');
    assert.equal(conn.instanceUrl, org.instance_url);
    assert.ok(conn.refreshToken, 'refresh token');
    const identity = await conn.identity();
    assert.equal(identity.username, 'alice@acme.demo');
    assert.equal(identity.user_id, userInfo.id);

    let refreshed = 0;
    conn.on('refresh', () => { refreshed++; });
    const before = conn.accessToken;
    await conn.oauth2.revokeToken(before); // the session dies: the next call gets 401 INVALID_SESSION_ID
    const res = await conn.query('SELECT Id, Name FROM Account LIMIT 1');
    assert.equal(res.records.length, 1);
    assert.equal(refreshed, 1, 'jsforce refreshed once');
    assert.notEqual(conn.accessToken, before);
    assert.match(conn.accessToken, /^00D[0-9A-Za-z]{12}!AQ/);

    // Revoking the refresh token kills the session and the refresh: jsforce gives up.
    await conn.oauth2.revokeToken(conn.refreshToken);
    await assert.rejects(conn.query('SELECT Id FROM Account LIMIT 1'));
  });

  it('revoking an unknown token fails', async () => {
    await assert.rejects(oauth2(org.login_url).revokeToken('00Dnope!AQnope'));
  });

  it('a reused authorization code is refused', async () => {
    const oa = oauth2(org.login_url, { redirectUri: CALLBACK, useVerifier: true });
    const code = await loginAndAllow(oa.getAuthorizationUrl({ scope: 'api id', state: 'jsforce-state' }), 'bob@acme.demo');
    await oa.requestToken(code);
    await rejects(oa.requestToken(code), 'invalid_grant', 'invalid authorization code');
  });
});

describe('REST', () => {
  let conn;
  before(async () => {
    ({ conn } = await clientCredentials());
  });

  it('query and queryMore with a small batch size', async () => {
    // Make sure there are at least three batches of 200 (the minimum batch size) to page through.
    const existing = (await conn.query('SELECT COUNT() FROM Contact')).totalSize;
    const created = await inChunks(Array.from({ length: Math.max(0, 450 - existing) }, (_, i) => i), (i) =>
      conn.sobject('Contact').create({ LastName: `Paging ${String(i).padStart(3, '0')}` }).then((r) => r.id));
    const soql = 'SELECT Id, Name FROM Contact ORDER BY Name';
    const headers = { 'Sforce-Query-Options': 'batchSize=200' };
    const first = await conn.request({ method: 'GET', url: `/query?q=${encodeURIComponent(soql)}`, headers });
    assert.ok(first.totalSize > 400, `need three batches, totalSize=${first.totalSize}`);
    assert.equal(first.done, false);
    assert.equal(first.records.length, 200);
    assert.match(first.nextRecordsUrl, /^\/services\/data\/v62\.0\/query\/.+-200$/);
    const second = await conn.queryMore(first.nextRecordsUrl);
    assert.equal(second.totalSize, first.totalSize);
    assert.ok(second.records.length > 0);
    assert.notEqual(second.records[0].Id, first.records[0].Id);

    // autoFetch follows every nextRecordsUrl.
    let fetches = 0;
    const q = conn.query(soql, { autoFetch: true, maxFetch: 100000, headers });
    q.on('fetch', () => { fetches++; });
    const all = await q;
    assert.equal(all.records.length, first.totalSize);
    assert.equal(all.done, true);
    assert.equal(new Set(all.records.map((r) => r.Id)).size, all.records.length, 'no duplicates');
    assert.equal(fetches, Math.ceil(first.totalSize / 200));

    await inChunks(created, (id) => conn.sobject('Contact').destroy(id));
    assert.equal((await conn.query('SELECT COUNT() FROM Contact')).totalSize, existing);
  });

  it('create, retrieve, update, delete', async () => {
    const accounts = conn.sobject('Account');
    const created = await accounts.create({ Name: 'jsforce fidelity', Industry: 'Technology' });
    assert.equal(created.success, true);
    assert.match(created.id, /^001[0-9A-Za-z]{15}$/);
    const got = await accounts.retrieve(created.id);
    assert.equal(got.Id, created.id);
    assert.equal(got.Name, 'jsforce fidelity');
    assert.equal(got.attributes.type, 'Account');

    const updated = await accounts.update({ Id: created.id, Name: 'jsforce fidelity 2' });
    assert.equal(updated.success, true);
    assert.equal((await accounts.retrieve(created.id)).Name, 'jsforce fidelity 2');
    const found = await conn.query(`SELECT Id, Name FROM Account WHERE Id = '${created.id}'`);
    assert.equal(found.totalSize, 1);
    assert.equal(found.records[0].Name, 'jsforce fidelity 2');

    const deleted = await accounts.destroy(created.id);
    assert.equal(deleted.success, true);
    await assert.rejects(accounts.retrieve(created.id), (err) => ['NOT_FOUND', 'ENTITY_IS_DELETED'].includes(err.errorCode));
    assert.equal((await conn.query(`SELECT Id FROM Account WHERE Id = '${created.id}'`)).totalSize, 0);
  });

  it('errors surface with their errorCode', async () => {
    await assert.rejects(conn.query('SELECT Id, NoSuchField__c FROM Account'), (err) => {
      assert.equal(err.errorCode, 'INVALID_FIELD');
      assert.match(err.message, /No such column 'NoSuchField__c' on entity 'Account'/);
      return true;
    });
    await assert.rejects(conn.query('SELECT FROM Account'), (err) => err.errorCode === 'MALFORMED_QUERY');
    await assert.rejects(conn.sobject('NoSuchObject__c').create({ Name: 'x' }), (err) => err.errorCode === 'NOT_FOUND' || err.errorCode === 'INVALID_TYPE');
  });

  it("a standard user's permissions are enforced", async () => {
    const { conn: alice } = await webServerFlow('alice@acme.demo');
    const acct = await conn.sobject('Account').create({ Name: 'not deletable by alice' });
    await assert.rejects(alice.sobject('Account').destroy(acct.id), (err) => err.errorCode === 'INSUFFICIENT_ACCESS_OR_READONLY');
    await assert.rejects(alice.query('SELECT Id, AnnualRevenue FROM Account'), (err) => err.errorCode === 'INVALID_FIELD');
    await conn.sobject('Account').destroy(acct.id);
  });
});
