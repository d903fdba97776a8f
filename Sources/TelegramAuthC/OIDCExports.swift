import CTGAuth
import TelegramAuth
import TelegramAuthOIDC

// tgauth_oidc.h: the OpenID Connect client (OIDCClient): id_tokens, keys given or fetched, the code flow.

@c @implementation public func tgauth_oidc_options_init(_ options: UnsafeMutablePointer<tgauth_oidc_options>?) -> Int32 {
    guard let options else { return TGAUTH_E_INVALID_ARGUMENT }
    options.pointee = tgauth_oidc_options(
        client_secret: nil, client_secret_len: 0, redirect_uri: nil, redirect_uri_len: 0, issuer: nil, issuer_len: 0,
        ca_file: nil, ca_file_len: 0, timeout_ms: Int64(HTTPSClient.defaultTimeout * 1000))
    return TGAUTH_OK
}

@c @implementation public func tgauth_oidc_new(
    _ client: UnsafeMutablePointer<OpaquePointer?>?, _ err: UnsafeMutablePointer<tgauth_error>?,
    _ clientID: UnsafePointer<CChar>?, _ clientIDLen: Int, _ jwks: UnsafePointer<CChar>?, _ jwksLen: Int,
    _ options: UnsafePointer<tgauth_oidc_options>?
) -> Int32 {
    createHandle(client, err) { () throws(TelegramAuthError) in
        var o = tgauth_oidc_options()
        _ = tgauth_oidc_options_init(&o)
        if let options { o = options.pointee }
        let keys = jwks == nil && jwksLen == 0 ? nil : try JSONWebKeySet(json: try inputBytes(jwks, jwksLen, limit: JSONWebKeySet.maxBytes))
        let provider = try optionalText(o.issuer, o.issuer_len, "the issuer").map { (i) throws(TelegramAuthError) in try OIDCProvider(issuer: i) }
        return try OIDCClient(
            clientID: try argumentText(clientID, clientIDLen, "the client id"),
            clientSecret: try optionalText(o.client_secret, o.client_secret_len, "the client secret"),
            redirectURI: try optionalText(o.redirect_uri, o.redirect_uri_len, "the redirect URI"), jwks: keys,
            provider: provider ?? .telegram,
            http: try HTTPSClient(timeout: Double(o.timeout_ms) / 1000, caFile: try optionalText(o.ca_file, o.ca_file_len, "the CA file")))
    }
}

@c @implementation public func tgauth_oidc_free(_ client: OpaquePointer?) {
    release(client, as: OIDCClient.self)
}

@c @implementation public func tgauth_oidc_set_jwks(
    _ client: OpaquePointer?, _ err: UnsafeMutablePointer<tgauth_error>?, _ jwks: UnsafePointer<CChar>?, _ jwksLen: Int
) -> Int32 {
    guard let client else { return invalid(err, "NULL client") }
    do {
        unboxed(client, as: OIDCClient.self).setKeys(try JSONWebKeySet(json: try inputBytes(jwks, jwksLen, limit: JSONWebKeySet.maxBytes)))
        return succeed(err)
    } catch {
        return report(err, error)
    }
}

/// A nonce given as (pointer, length): nil for NULL/0.
private func nonceText(_ p: UnsafePointer<CChar>?, _ n: Int) throws(TelegramAuthError) -> String? {
    try optionalText(p, n, "the nonce")
}

/// An id_token as (pointer, length), its limit checked before it is copied.
private func idTokenBytes(_ p: UnsafePointer<CChar>?, _ n: Int) throws(TelegramAuthError) -> [UInt8] {
    Array(try inputBytes(p, n, limit: IDTokenVerifier.maxTokenBytes))
}

@c @implementation public func tgauth_oidc_verify(
    _ verifier: OpaquePointer?, _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<tgauth_error>?, _ token: UnsafePointer<CChar>?, _ tokenLen: Int,
    _ nonce: UnsafePointer<CChar>?, _ nonceLen: Int, _ check: UnsafePointer<tgauth_check>?
) -> Int32 {
    guard let verifier, let outLen else { return invalid(err, "NULL client or length pointer") }
    do {
        _ = try capacity(out, outLen.pointee)  // a bad buffer is refused before the token is checked
        let bytes = try idTokenBytes(token, tokenLen)
        let client = unboxed(verifier, as: OIDCClient.self)
        let claims = try client.verify(bytes: bytes, nonce: try nonceText(nonce, nonceLen), options: checkOptions(check)).claimsJSON
        return writeOutput(claims + [0], out, outLen, err)
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
    verify(verifier, as: OIDCClient.self, token, err) { (client) throws(TelegramAuthError) in
        let bytes = try idTokenBytes(idToken, idTokenLen)
        return retainResult(try client.verify(bytes: bytes, nonce: try nonceText(nonce, nonceLen), options: checkOptions(check)).token)
    }
}

/// The check's time rules; with NULL, the defaults without an age limit.
private func checkOptions(_ check: UnsafePointer<tgauth_check>?) -> ValidationOptions {
    check == nil ? ValidationOptions(maxAge: nil) : options(check)
}


@c @implementation public func tgauth_id_token_claims(_ token: OpaquePointer?, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    len?.pointee = 0
    guard let token else { return nil }
    let h = header(token)
    len?.pointee = Int(h.pointee.source.count)
    return UnsafeRawPointer(h.pointee.bytes).assumingMemoryBound(to: CChar.self)
}

// MARK: The authorization-code flow

func codeFlow(_ client: OpaquePointer?) throws(TelegramAuthError) -> AuthorizationCodeFlow {
    guard let client else { throw .invalidArgument("NULL client") }
    return try unboxed(client, as: OIDCClient.self).codeFlow()
}

@c @implementation public func tgauth_oidc_authorization_request(
    _ client: OpaquePointer?, _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<tgauth_error>?, _ scopes: UnsafePointer<CChar>?, _ scopesLen: Int, _ withNonce: Int32
) -> Int32 {
    do {
        let list = try argumentText(scopes, scopesLen, "the scopes").split(separator: " ").map(String.init)
        let r = try codeFlow(client).authorizationRequest(scopes: list, nonce: withNonce != 0)
        return writeOutput(record([r.url, r.state, r.nonce ?? "", r.codeVerifier]), out, outLen, err)
    } catch {
        return report(err, error)
    }
}

@c @implementation public func tgauth_oidc_exchange(
    _ client: OpaquePointer?, _ token: UnsafeMutablePointer<OpaquePointer?>?, _ err: UnsafeMutablePointer<tgauth_error>?,
    _ code: UnsafePointer<CChar>?, _ codeLen: Int, _ verifier: UnsafePointer<CChar>?, _ verifierLen: Int,
    _ nonce: UnsafePointer<CChar>?, _ nonceLen: Int, _ check: UnsafePointer<tgauth_check>?
) -> Int32 {
    verify(client, as: OIDCClient.self, token, err) { (c) throws(TelegramAuthError) in
        let exchanged = try c.exchange(
            code: try argumentText(code, codeLen, "the code"), codeVerifier: try argumentText(verifier, verifierLen, "the code verifier"),
            nonce: try nonceText(nonce, nonceLen), options: checkOptions(check))
        return retainResult(exchanged.idToken.token)
    }
}

@c @implementation public func tgauth_oidc_token_request(
    _ client: OpaquePointer?, _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<tgauth_error>?, _ code: UnsafePointer<CChar>?, _ codeLen: Int,
    _ verifier: UnsafePointer<CChar>?, _ verifierLen: Int
) -> Int32 {
    do {
        let r = try codeFlow(client).tokenRequest(
            code: try argumentText(code, codeLen, "the code"), codeVerifier: try argumentText(verifier, verifierLen, "the code verifier"))
        return writeOutput(record([r.url, r.body] + r.headers.flatMap { [$0.0, $0.1] }), out, outLen, err)
    } catch {
        return report(err, error)
    }
}

@c @implementation public func tgauth_oidc_token_response(
    _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?, _ err: UnsafeMutablePointer<tgauth_error>?,
    _ body: UnsafePointer<CChar>?, _ bodyLen: Int
) -> Int32 {
    do throws(TelegramAuthError) {
        let input = try inputBytes(body, bodyLen, limit: HTTPSClient.maxAnswerBytes)
        let r = try AuthorizationCodeFlow.tokenResponse(input)
        return writeOutput(record([r.idToken, r.accessToken ?? "", r.expiresIn.map(String.init) ?? ""]), out, outLen, err)
    } catch {
        return report(err, error)
    }
}
