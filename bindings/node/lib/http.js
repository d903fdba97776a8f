'use strict';
// Guards for HTTP servers: Express middleware and handlers, and a helper for Web Fetch `Request` objects
// (Hono, Next.js route handlers). A refusal is 401 with `WWW-Authenticate: tma` and {"error": kind}: the
// kind only, never the library's detail.
const { AuthError } = require('./errors');

const SCHEME = 'tma';

function refusal(error) {
  return { status: 401, headers: { 'WWW-Authenticate': SCHEME, 'Cache-Control': 'no-store' }, body: { error: error.kind } };
}

function send(res, { status, headers, body }) {
  res.status(status).set(headers).json(body);
}

/** The initData of an `Authorization: tma <initData>` value, or an AuthError `missing_field`. */
function tmaOf(authorization) {
  if (typeof authorization !== 'string' || authorization.slice(0, 4).toLowerCase() !== 'tma ') {
    throw new AuthError('missing_field', 'authorization', 'send Authorization: tma <initData>');
  }
  return authorization;
}

/** Express middleware: Mini App data from `Authorization: tma …`, checked by `validator` (a MiniAppValidator
 *  or ThirdPartyValidator), as `req.telegram`; otherwise 401. */
function initDataGuard(validator, options) {
  return function tgauthInitData(req, res, next) {
    try {
      req.telegram = validator.validate(tmaOf(req.get('authorization')), options);
    } catch (error) {
      if (!(error instanceof AuthError)) return next(error);
      return send(res, refusal(error));
    }
    return next();
  };
}

/** An Express handler for the Login Widget's `data-auth-url`: the raw query verified, then
 *  `onLogin(req, res, user)`; otherwise 401. */
function widgetCallback(verifier, onLogin, options) {
  return function tgauthWidgetCallback(req, res, next) {
    const url = req.originalUrl || req.url;
    const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
    let user;
    try {
      user = verifier.verify(query, options);
    } catch (error) {
      if (!(error instanceof AuthError)) return next(error);
      return send(res, refusal(error));
    }
    return Promise.resolve(onLogin(req, res, user)).catch(next);
  };
}

/** An Express handler for Telegram Gateway delivery reports: the raw body (read here, or a Buffer left by
 *  express.raw()) checked against X-Request-Timestamp and -Signature, then `onReport(req, res, report)`. */
function gatewayReports(verifier, onReport) {
  return async function tgauthGatewayReport(req, res, next) {
    try {
      const body = Buffer.isBuffer(req.body) ? req.body : await rawBody(req);
      let report;
      try {
        report = verifier.verify(body, { timestamp: req.get('x-request-timestamp'), signature: req.get('x-request-signature') });
      } catch (error) {
        if (!(error instanceof AuthError)) throw error;
        return send(res, refusal(error));
      }
      return await onReport(req, res, report);
    } catch (error) {
      return next(error);
    }
  };
}

function rawBody(req, limit = 64 * 1024) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) reject(new AuthError('too_large', 'body', 'the report is too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** For a Web Fetch `Request`: its `Authorization: tma …` verified by `validator`. Throws AuthError. */
function verifyRequest(request, validator, options) {
  return validator.validate(tmaOf(request.headers.get('authorization')), options);
}

/** The Web `Response` for a refused request: 401, `WWW-Authenticate: tma`, {"error": kind}. */
function unauthorized(error) {
  const { status, headers, body } = refusal(error);
  return new Response(JSON.stringify(body), { status, headers: { ...headers, 'Content-Type': 'application/json' } });
}

module.exports = { initDataGuard, widgetCallback, gatewayReports, verifyRequest, unauthorized };
