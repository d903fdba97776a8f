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
