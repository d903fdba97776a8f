"""Plays Telegram's OpenID Connect provider (oauth.telegram.org) on loopback, over HTTPS, for tests and the demo.

It makes a test CA and a certificate for 127.0.0.1 when it starts (the CA's PEM is written to `ca_file`, for
the client to trust), and serves what Telegram serves:

  GET  /.well-known/openid-configuration   the discovery document
  GET  /.well-known/jwks.json              the public keys, one per algorithm, with Cache-Control: max-age
  GET  /auth?client_id&redirect_uri&response_type=code&scope&state&code_challenge&code_challenge_method=S256[&nonce]
                                           a page asking the user to log in, with an "Accept" button
  POST /auth                               the button: redirects to redirect_uri?code=...&state=...
  POST /token                              checks the client's Basic credentials, the code (once only), the
                                           redirect URI and the PKCE verifier; answers with the id_token

Tokens are signed with `cryptography` (not tgauth), with the bot's chosen algorithm: RS256, ES256, EdDSA or
ES256K. `rotate(alg)` replaces a key with a new one under a new kid; `stop()` takes the provider down.

  python oidc_simulator.py --port 8443 --client-id 7342037359 --client-secret s3cr3t --alg ES256K --dir .

(ca.pem is written to --dir; point TELEGRAM_OIDC_CA_FILE at it.)
"""
from __future__ import annotations

import argparse
import base64
import datetime
import hashlib
import html
import hmac
import ipaddress
import itertools
import json
import secrets
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Optional, Tuple, Union
from urllib.parse import parse_qs, urlencode, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

ALGORITHMS = ("RS256", "ES256", "EdDSA", "ES256K")
USER = {"id": 279058397, "name": "Vladislav K", "preferred_username": "vdkfrost",
        "picture": "https://t.me/i/userpic/320/vdkfrost.jpg", "phone_number": "+15555550123"}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# ---- keys and signatures (cryptography, independent of tgauth) -------------------------------------------

PrivateKey = Union[rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey]


def new_key(alg: str) -> PrivateKey:
    if alg == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if alg == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if alg == "ES256K":
        return ec.generate_private_key(ec.SECP256K1())
    return ed25519.Ed25519PrivateKey.generate()


def public_jwk(alg: str, kid: str, key: PrivateKey) -> Dict[str, Any]:
    """The public half of `key` as a JWK (the key's type decides its members)."""
    if isinstance(key, rsa.RSAPrivateKey):
        n = key.public_key().public_numbers()
        return {"kty": "RSA", "kid": kid, "alg": alg, "use": "sig", "n": b64url(n.n.to_bytes(256, "big")),
                "e": b64url(n.e.to_bytes(3, "big"))}
    if isinstance(key, ed25519.Ed25519PrivateKey):
        raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "kid": kid, "alg": alg, "use": "sig", "x": b64url(raw)}
    p = key.public_key().public_numbers()
    return {"kty": "EC", "crv": "P-256" if alg == "ES256" else "secp256k1", "kid": kid, "alg": alg, "use": "sig",
            "x": b64url(p.x.to_bytes(32, "big")), "y": b64url(p.y.to_bytes(32, "big"))}


def sign_jws(alg: str, kid: str, key: PrivateKey, claims: Dict[str, Any]) -> str:
    """A compact JWS of `claims`: RSASSA-PKCS1-v1_5, ECDSA as raw r||s, or Ed25519 (the key's type decides)."""
    header = b64url(json.dumps({"alg": alg, "kid": kid, "typ": "JWT"}, separators=(",", ":")).encode())
    payload = b64url(json.dumps(claims, separators=(",", ":")).encode())
    message = f"{header}.{payload}".encode()
    if isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    elif isinstance(key, ed25519.Ed25519PrivateKey):
        signature = key.sign(message)
    else:
        r, s = decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return f"{header}.{payload}.{b64url(signature)}"


# ---- the test CA and the server's certificate ------------------------------------------------------------

def make_certificates(ca_file: str, cert_file: str, key_file: str) -> None:
    """A CA made now (valid a day), and a certificate it signs for 127.0.0.1 and localhost."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tgauth test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                       encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])).issuer_name(ca_name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    with open(ca_file, "wb") as f:
        f.write(ca.public_bytes(serialization.Encoding.PEM))
    with open(cert_file, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_file, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))


def spki_hash(cert_file: str) -> str:
    """base64(SHA-256(SubjectPublicKeyInfo)) of a certificate: what Chromium's --ignore-certificate-errors-spki-list
    takes to trust exactly that certificate."""
    with open(cert_file, "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    der = cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


# ---- the provider -----------------------------------------------------------------------------------------

class Provider:
    """Telegram's side of Log In With Telegram for one bot (client id and secret)."""

    CODE_TTL = 60  # seconds a code may wait for its exchange

    def __init__(self, client_id: str, client_secret: str, alg: str = "ES256K", max_age: int = 3600,
                 user: Optional[Dict[str, Any]] = None) -> None:
        self.client_id, self.client_secret, self.alg, self.max_age = client_id, client_secret, alg, max_age
        self.user = dict(USER if user is None else user)
        self.issuer = ""  # set by Simulator once the port is known
        self.generations = itertools.count(1)
        self.keys: Dict[str, Tuple[str, PrivateKey]] = {a: self._new_kid(a) for a in ALGORITHMS}  # alg -> (kid, key)
        self.codes: Dict[str, Dict[str, Any]] = {}
        self.lock = threading.Lock()
        self.jwks_fetches = 0
        self.jwks_delay = 0.0  # seconds the key set takes to answer (a slow provider, for tests)
        self.token_requests = 0

    def _new_kid(self, alg: str) -> Tuple[str, PrivateKey]:
        return f"sim-{alg.lower()}-{next(self.generations)}", new_key(alg)

    def rotate(self, alg: Optional[str] = None) -> str:
        """Replaces the key of `alg` (the bot's by default) with a new key and kid; returns the new kid."""
        alg = alg or self.alg
        with self.lock:
            self.keys[alg] = self._new_kid(alg)
            return self.keys[alg][0]

    def jwks(self) -> Dict[str, Any]:
        with self.lock:
            return {"keys": [public_jwk(a, kid, key) for a, (kid, key) in self.keys.items()]}

    def id_token(self, nonce: Optional[str] = None, scope: str = "openid profile", **overrides: Any) -> str:
        """An id_token for the user, signed with the bot's algorithm (claims per scope, then `overrides`)."""
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.client_id, "sub": "sim-" + hashlib.sha256(
            f"{self.client_id}:{self.user['id']}".encode()).hexdigest()[:24], "id": self.user["id"], "iat": now,
            "exp": now + 3600}
        scopes = scope.split()
        if "profile" in scopes:
            claims.update({k: self.user[k] for k in ("name", "preferred_username", "picture") if k in self.user})
        if "phone" in scopes and "phone_number" in self.user:
            claims["phone_number"] = self.user["phone_number"]
        if nonce is not None:
            claims["nonce"] = nonce
        claims.update(overrides)
        with self.lock:
            kid, key = self.keys[self.alg]
        return sign_jws(self.alg, kid, key, claims)

    def check_authorization(self, q: Dict[str, str]) -> Optional[str]:
        """Why an authorization request is refused, or None."""
        if q.get("client_id") != self.client_id:
            return "unknown client_id"
        if q.get("response_type") != "code":
            return "response_type must be code"
        if "openid" not in q.get("scope", "").split():
            return "the scope must include openid"
        if q.get("code_challenge_method") != "S256" or len(q.get("code_challenge", "")) != 43:
            return "PKCE with S256 is required"
        if not q.get("redirect_uri", "").startswith(("https://", "http://127.0.0.1")):
            return "bad redirect_uri"
        return None

    def approve(self, q: Dict[str, str]) -> str:
        """The user accepted: a one-time code, bound to the request."""
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = {"request": q, "expires": time.monotonic() + self.CODE_TTL}
        return code

    def token(self, form: Dict[str, str], authorization: Optional[str]) -> Tuple[int, Dict[str, Any]]:
        """The token endpoint: (status, JSON answer)."""
        with self.lock:
            self.token_requests += 1
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.startswith("Basic "):
            try:
                client_id, _, secret = base64.b64decode(authorization[6:], validate=True).decode().partition(":")
            except ValueError:
                return 401, {"error": "invalid_client"}
        if client_id != self.client_id or secret is None or not hmac.compare_digest(secret, self.client_secret):
            return 401, {"error": "invalid_client", "error_description": "bad client credentials"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with self.lock:
            entry = self.codes.pop(form.get("code", ""), None)  # a code is good once, even when refused
        if entry is None or entry["expires"] < time.monotonic():
            return 400, {"error": "invalid_grant", "error_description": "the code is unknown, used or expired"}
        request = entry["request"]
        if form.get("redirect_uri") != request["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri differs from the authorization's"}
        verifier = form.get("code_verifier", "")
        if b64url(hashlib.sha256(verifier.encode()).digest()) != request["code_challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "the PKCE verifier does not match"}
        id_token = self.id_token(request.get("nonce"), request.get("scope", "openid"))
        return 200, {"access_token": secrets.token_urlsafe(32), "token_type": "Bearer", "expires_in": 3600,
                     "id_token": id_token}


def login_page(q: Dict[str, str], user: Dict[str, Any]) -> str:
    hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in q.items())
    scopes = ", ".join(html.escape(s) for s in q.get("scope", "").split())
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Log in with Telegram</title>
<style>body{{font-family:sans-serif;background:#f1f4f7;display:flex;justify-content:center;padding-top:60px}}
.card{{background:#fff;border-radius:12px;padding:28px 36px;box-shadow:0 2px 12px #0002;max-width:420px}}
button{{background:#2aabee;color:#fff;border:0;border-radius:8px;padding:12px 28px;font-size:16px;cursor:pointer}}
.sim{{color:#999;font-size:12px}}</style></head>
<body><div class="card"><h2>Log in to bot {html.escape(q.get('client_id', ''))}</h2>
<p>Logged in to Telegram as <b>{html.escape(user['name'])}</b> (@{html.escape(user.get('preferred_username', ''))}).</p>
<p>The site asks for: {scopes}.</p>
<form method="post" action="/auth">{hidden}<button id="accept" type="submit">Accept</button></form>
<p class="sim">tgauth's local simulator of oauth.telegram.org</p></div></body></html>"""


class Handler(BaseHTTPRequestHandler):
    server: "Simulator"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the tests read their own output
        pass

    def answer(self, status: int, body: bytes, content_type: str, headers: Optional[Dict[str, Any]] = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def json(self, status: int, value: Dict[str, Any], headers: Optional[Dict[str, Any]] = None) -> None:
        self.answer(status, json.dumps(value).encode(), "application/json", headers)

    def form(self) -> Dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        return {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}

    def do_GET(self) -> None:
        provider = self.server.provider
        url = urlsplit(self.path)
        if url.path == "/.well-known/jwks.json":
            with provider.lock:
                provider.jwks_fetches += 1
            time.sleep(provider.jwks_delay)
            self.json(200, provider.jwks(), {"Cache-Control": f"public, max-age={provider.max_age}"})
        elif url.path == "/.well-known/openid-configuration":
            i = provider.issuer
            self.json(200, {"issuer": i, "authorization_endpoint": i + "/auth", "token_endpoint": i + "/token",
                            "jwks_uri": i + "/.well-known/jwks.json", "response_types_supported": ["code"],
                            "grant_types_supported": ["authorization_code"], "code_challenge_methods_supported": ["S256"],
                            "id_token_signing_alg_values_supported": list(ALGORITHMS),
                            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]})
        elif url.path == "/auth":
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            refusal = provider.check_authorization(q)
            if refusal:
                self.answer(400, html.escape(refusal).encode(), "text/plain; charset=utf-8")
            else:
                self.answer(200, login_page(q, provider.user).encode(), "text/html; charset=utf-8")
        else:
            self.answer(404, b"not found", "text/plain")

    def do_POST(self) -> None:
        provider = self.server.provider
        if self.path == "/auth":
            q = self.form()
            refusal = provider.check_authorization(q)
            if refusal:
                self.answer(400, html.escape(refusal).encode(), "text/plain; charset=utf-8")
                return
            target = q["redirect_uri"] + ("&" if "?" in q["redirect_uri"] else "?") + urlencode(
                {"code": provider.approve(q), "state": q.get("state", "")})
            self.answer(302, b"", "text/plain", {"Location": target})
        elif self.path == "/token":
            status, value = provider.token(self.form(), self.headers.get("Authorization"))
            self.json(status, value, {"Cache-Control": "no-store"})
        else:
            self.answer(404, b"not found", "text/plain")


class Simulator(ThreadingHTTPServer):
    """The provider over HTTPS on a loopback port, served from a thread. `issuer` is its https:// URL."""

    daemon_threads = True

    def __init__(self, provider: Provider, directory: str, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.provider = provider
        self.ca_file, cert, key = (f"{directory}/{name}" for name in ("ca.pem", "server.pem", "server-key.pem"))
        make_certificates(self.ca_file, cert, key)
        self.spki = spki_hash(cert)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.socket = context.wrap_socket(self.socket, server_side=True)
        self.issuer = provider.issuer = f"https://127.0.0.1:{self.server_address[1]}"
        self.thread: Optional[threading.Thread] = None

    def start(self) -> "Simulator":
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        """Takes the provider down: the port stops answering."""
        self.shutdown()
        self.server_close()

    def handle_error(self, request: Any, client_address: Any) -> None:  # a dropped TLS handshake is not news
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8443)
    parser.add_argument("--client-id", default="7342037359")
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--alg", choices=ALGORITHMS, default="ES256K")
    parser.add_argument("--dir", default=".", help="where ca.pem and the server's certificate are written")
    args = parser.parse_args()
    sim = Simulator(Provider(args.client_id, args.client_secret, args.alg), args.dir, args.port)
    print(f"issuer {sim.issuer}; trust {sim.ca_file}", flush=True)
    sim.serve_forever()


if __name__ == "__main__":
    main()
