import CTGAuth
import TelegramAuth
import TelegramAuthOIDC

// tgauth_oidc.h: id_token verification.

/// A verifier whose key set can be replaced while other threads verify: each verification takes the
/// current (immutable) verifier under the lock, then runs without it.
final class OIDCVerifierBox: Sendable {
    let current: Locked<IDTokenVerifier>
    init(_ verifier: IDTokenVerifier) { current = Locked(verifier) }
}

@c @implementation public func tgauth_oidc_new(
    _ verifier: UnsafeMutablePointer<OpaquePointer?>?, _ err: UnsafeMutablePointer<tgauth_error>?,
    _ clientID: UnsafePointer<CChar>?, _ clientIDLen: Int, _ jwks: UnsafePointer<CChar>?, _ jwksLen: Int
) -> Int32 {
    createHandle(verifier, err) { () throws(TelegramAuthError) in
        let keys = try JSONWebKeySet(json: try inputBytes(jwks, jwksLen))
        return OIDCVerifierBox(try IDTokenVerifier(clientID: try argumentText(clientID, clientIDLen, "the client id"), keys: keys))
    }
}

@c @implementation public func tgauth_oidc_free(_ verifier: OpaquePointer?) {
    release(verifier, as: OIDCVerifierBox.self)
}

@c @implementation public func tgauth_oidc_set_jwks(
    _ verifier: OpaquePointer?, _ err: UnsafeMutablePointer<tgauth_error>?, _ jwks: UnsafePointer<CChar>?, _ jwksLen: Int
) -> Int32 {
    guard let verifier else { return invalid(err, "NULL verifier") }
    do {
        let keys = try JSONWebKeySet(json: try inputBytes(jwks, jwksLen))
        let box = unboxed(verifier, as: OIDCVerifierBox.self)
        let replaced = try box.current.withLock { v in try IDTokenVerifier(clientID: v.clientID, keys: keys, issuer: v.issuer) }
        box.current.withLock { $0 = replaced }
        return succeed(err)
    } catch let error as TelegramAuthError {
        return report(err, error)
    } catch {
        return invalid(err, "\(error)")
    }
}

@c @implementation public func tgauth_oidc_verify(
    _ verifier: OpaquePointer?, _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<tgauth_error>?, _ token: UnsafePointer<CChar>?, _ tokenLen: Int,
    _ nonce: UnsafePointer<CChar>?, _ nonceLen: Int, _ check: UnsafePointer<tgauth_check>?
) -> Int32 {
    guard let verifier, let outLen else { return invalid(err, "NULL verifier or length pointer") }
    do {
        let room = out == nil ? 0 : try capacity(outLen.pointee)
        let text = String(decoding: try inputBytes(token, tokenLen), as: UTF8.self)
        let expected = nonce == nil && nonceLen == 0 ? nil : try argumentText(nonce, nonceLen, "the nonce")
        let opts = check == nil ? ValidationOptions(maxAge: nil) : options(check)
        let current = unboxed(verifier, as: OIDCVerifierBox.self).current.withLock { $0 }
        let claims = try current.verify(text, nonce: expected, options: opts).claimsJSON + [0]
        if claims.count <= room, let out {
            claims.withUnsafeBytes { UnsafeMutableRawPointer(out).copyMemory(from: $0.baseAddress!, byteCount: claims.count) }
        }
        return finishOutput(needed: claims.count, capacity: room, outLen, err)
    } catch {
        return report(err, error)
    }
}

// MARK: The id_token as a typed result

@c @implementation public func tgauth_oidc_verify_token(
    _ verifier: OpaquePointer?, _ token: UnsafeMutablePointer<OpaquePointer?>?, _ err: UnsafeMutablePointer<tgauth_error>?,
    _ idToken: UnsafePointer<CChar>?, _ idTokenLen: Int, _ nonce: UnsafePointer<CChar>?, _ nonceLen: Int,
    _ check: UnsafePointer<tgauth_check>?
) -> Int32 {
    verify(verifier, as: OIDCVerifierBox.self, token, err) { (box) throws(TelegramAuthError) in
        let text = String(decoding: try inputBytes(idToken, idTokenLen), as: UTF8.self)
        let expected = nonce == nil && nonceLen == 0 ? nil : try argumentText(nonce, nonceLen, "the nonce")
        let current = box.current.withLock { $0 }
        let verified = try current.verify(text, nonce: expected, options: check == nil ? ValidationOptions(maxAge: nil) : options(check))
        return retainResult(verified.token)
    }
}

@c @implementation public func tgauth_id_token_free(_ token: OpaquePointer?) { releaseResult(token) }

@c @implementation public func tgauth_id_token_claims(_ token: OpaquePointer?, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    len?.pointee = 0
    guard let token else { return nil }
    let h = header(token)
    len?.pointee = Int(h.pointee.source.count)
    return UnsafeRawPointer(h.pointee.bytes).assumingMemoryBound(to: CChar.self)
}

// MARK: The authorization-code flow

/// Writes `strings` as a record (each NUL-terminated) under the output-buffer rule.
func writeStrings(
    _ strings: [String], _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<tgauth_error>?
) -> Int32 {
    guard let outLen else { return invalid(err, "NULL length pointer") }
    guard let room = try? capacity(outLen.pointee) else { return invalid(err, "the output capacity is larger than any buffer") }
    var bytes: [UInt8] = []
    for s in strings { bytes += s.utf8.map { $0 == 0 ? 0x20 : $0 } + [0] }
    let capacity = out == nil ? 0 : room
    if bytes.count <= capacity, let out {
        bytes.withUnsafeBytes { UnsafeMutableRawPointer(out).copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
    }
    return finishOutput(needed: bytes.count, capacity: capacity, outLen, err)
}

func flow(
    _ clientID: UnsafePointer<CChar>?, _ clientIDLen: Int, _ redirect: UnsafePointer<CChar>?, _ redirectLen: Int,
    secret: (UnsafePointer<CChar>?, Int)? = nil
) throws(TelegramAuthError) -> AuthorizationCodeFlow {
    let s = secret.flatMap { $0.0 == nil && $0.1 == 0 ? nil : $0 }
    return try AuthorizationCodeFlow(
        clientID: try argumentText(clientID, clientIDLen, "the client id"),
        redirectURI: try argumentText(redirect, redirectLen, "the redirect URI"),
        clientSecret: try s.map { (p, n) throws(TelegramAuthError) in try argumentText(p, n, "the client secret") })
}

@c @implementation public func tgauth_oidc_authorization_request(
    _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?, _ err: UnsafeMutablePointer<tgauth_error>?,
    _ clientID: UnsafePointer<CChar>?, _ clientIDLen: Int, _ redirect: UnsafePointer<CChar>?, _ redirectLen: Int,
    _ scopes: UnsafePointer<CChar>?, _ scopesLen: Int, _ withNonce: Int32
) -> Int32 {
    do {
        let list = try argumentText(scopes, scopesLen, "the scopes").split(separator: " ").map(String.init)
        let r = try flow(clientID, clientIDLen, redirect, redirectLen).authorizationRequest(scopes: list, nonce: withNonce != 0)
        return writeStrings([r.url, r.state, r.nonce ?? "", r.codeVerifier], out, outLen, err)
    } catch {
        return report(err, error)
    }
}

@c @implementation public func tgauth_oidc_token_request(
    _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?, _ err: UnsafeMutablePointer<tgauth_error>?,
    _ clientID: UnsafePointer<CChar>?, _ clientIDLen: Int, _ redirect: UnsafePointer<CChar>?, _ redirectLen: Int,
    _ secret: UnsafePointer<CChar>?, _ secretLen: Int, _ code: UnsafePointer<CChar>?, _ codeLen: Int,
    _ verifier: UnsafePointer<CChar>?, _ verifierLen: Int
) -> Int32 {
    do {
        let f = try flow(clientID, clientIDLen, redirect, redirectLen, secret: (secret, secretLen))
        let r = try f.tokenRequest(code: try argumentText(code, codeLen, "the code"), codeVerifier: try argumentText(verifier, verifierLen, "the code verifier"))
        return writeStrings([r.url, r.body] + r.headers.flatMap { [$0.0, $0.1] }, out, outLen, err)
    } catch {
        return report(err, error)
    }
}

@c @implementation public func tgauth_oidc_token_response(
    _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?, _ err: UnsafeMutablePointer<tgauth_error>?,
    _ body: UnsafePointer<CChar>?, _ bodyLen: Int
) -> Int32 {
    do throws(TelegramAuthError) {
        let input = try inputBytes(body, bodyLen)
        guard input.count <= 1 << 20 else { throw TelegramAuthError(.tooLarge, "the token response is over 1 MiB") }
        let r = try AuthorizationCodeFlow.tokenResponse(input)
        return writeStrings([r.idToken, r.accessToken ?? "", r.expiresIn.map(String.init) ?? ""], out, outLen, err)
    } catch {
        return report(err, error)
    }
}
