'use strict';
// The guards served for real: Debian's Express over HTTP on loopback, and a Web Fetch Request.
const test = require('node:test');
const assert = require('node:assert/strict');
const tgauth = require('..');

// Debian's node-express (make test-node puts /usr/share/nodejs on NODE_PATH: a Node not Debian's looks
// elsewhere by itself)
const express = require('express');

const TOKEN = '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11';
const GATEWAY_TOKEN = 'gateway-api-token';

function serve() {
  const app = express();
  const validator = new tgauth.MiniAppValidator(TOKEN);
  app.get('/api/me', tgauth.initDataGuard(validator), (req, res) => res.json({ id: req.telegram.user.id }));
  app.get('/login/callback', tgauth.widgetCallback(new tgauth.LoginWidgetVerifier(TOKEN), (req, res, user) => res.json({ id: user.id })));
  const reports = [];
  app.post('/gateway', tgauth.gatewayReports(new tgauth.GatewayReportVerifier(GATEWAY_TOKEN), (req, res, report) => {
    reports.push(report);
    res.json({ ok: true });
  }));
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${server.address().port}`, reports }));
  });
}

test('Express: the initData guard, the widget callback and Gateway reports over HTTP', async () => {
  const { server, base, reports } = await serve();
  try {
    const now = Math.floor(Date.now() / 1000);
    const initData = tgauth.signInitData(TOKEN, { user: { id: 7, first_name: 'Mini' } }, { authDate: now });
    let r = await fetch(`${base}/api/me`, { headers: { Authorization: `tma ${initData}` } });
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { id: 7 });
    for (const authorization of [undefined, 'tma ' + initData.replace('Mini', 'Evil'), 'Bearer x']) {
      r = await fetch(`${base}/api/me`, { headers: authorization ? { Authorization: authorization } : {} });
      assert.equal(r.status, 401);
      assert.equal(r.headers.get('www-authenticate'), 'tma');
      const body = await r.json();
      assert.deepEqual(Object.keys(body), ['error']);  // the kind only
      assert.ok(['missing_field', 'bad_hash'].includes(body.error), body.error);
    }
    const widget = tgauth.signWidget(TOKEN, { id: 42, first_name: 'Ann' }, { authDate: now });
    r = await fetch(`${base}/login/callback?${widget}`);
    assert.deepEqual([r.status, await r.json()], [200, { id: 42 }]);
    r = await fetch(`${base}/login/callback?${widget.replace('Ann', 'Eve')}`);
    assert.deepEqual([r.status, await r.json()], [401, { error: 'bad_hash' }]);
    const gateway = new tgauth.GatewayReportVerifier(GATEWAY_TOKEN);
    const body = '{"request_id":"r9","phone_number":"+15550100","request_cost":0.01}';
    r = await fetch(`${base}/gateway`, { method: 'POST', body, headers: { 'X-Request-Timestamp': String(now), 'X-Request-Signature': gateway.sign(body, now) } });
    assert.equal(r.status, 200);
    r = await fetch(`${base}/gateway`, { method: 'POST', body: body + ' ', headers: { 'X-Request-Timestamp': String(now), 'X-Request-Signature': gateway.sign(body, now) } });
    assert.deepEqual([r.status, await r.json()], [401, { error: 'bad_signature' }]);
    assert.deepEqual(reports.map((report) => report.request_id), ['r9']);
  } finally {
    server.close();
  }
});

test('Web Fetch: verifyRequest and unauthorized', async () => {
  const validator = new tgauth.MiniAppValidator(TOKEN);
  const initData = tgauth.signInitData(TOKEN, { user: { id: 8, first_name: 'Web' } });
  const request = new Request('https://app.example/api', { headers: { Authorization: `tma ${initData}` } });
  assert.equal(tgauth.verifyRequest(request, validator).user.id, 8);
  try {
    tgauth.verifyRequest(new Request('https://app.example/api'), validator);
    assert.fail('a request without credentials passed');
  } catch (error) {
    const response = tgauth.unauthorized(error);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'tma');
    assert.deepEqual(await response.json(), { error: 'missing_field' });
  }
});
