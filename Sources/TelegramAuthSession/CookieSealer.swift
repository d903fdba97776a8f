import CSodium
import TelegramAuth

/// Seals small values into cookie text and opens them again: XChaCha20-Poly1305 (libsodium), with a random
/// 24-byte nonce per cookie and the cookie's purpose as associated data, so a value sealed for one purpose
/// (a session, a login in progress) never opens as another.
///
/// Made from one or more secrets of at least 32 bytes: the first seals, every one opens, so a secret is
/// rotated by putting the new one first and dropping the old once its cookies have expired. Each secret is
/// turned into its key with HMAC-SHA256 under a fixed label. Immutable; threads may share it.
public struct CookieSealer: Sendable {
    /// The shortest secret accepted, in bytes.
    public static let minimumSecretBytes = 32
    /// The text of a cookie: version, nonce, ciphertext and tag, base64url without padding.
    static let version: UInt8 = 1
    static let nonceBytes = Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    static let tagBytes = Int(crypto_aead_xchacha20poly1305_ietf_ABYTES)

    let keys: [[UInt8]]

    /// - Throws: `invalid_argument` for no secret, or one shorter than `minimumSecretBytes`.
    public init(secrets: [[UInt8]]) throws(TelegramAuthError) {
        guard !secrets.isEmpty else { throw .invalidArgument("a cookie secret is needed") }
        for (i, secret) in secrets.enumerated() where secret.count < Self.minimumSecretBytes {
            throw .invalidArgument("cookie secret \(i + 1) is \(secret.count) bytes; at least \(Self.minimumSecretBytes) are needed")
        }
        guard sodium_init() >= 0 else { throw .invalidArgument("libsodium could not start") }
        keys = secrets.map { HMACKey(key: $0).authenticate(Array("tgauth cookie key v1".utf8)) }
    }

    /// `plaintext` sealed for `purpose`, as cookie text.
    public func seal(_ plaintext: [UInt8], purpose: String) -> String {
        var out = [UInt8](repeating: 0, count: 1 + Self.nonceBytes + plaintext.count + Self.tagBytes)
        out[0] = Self.version
        let ad = Array(purpose.utf8)
        out.withUnsafeMutableBufferPointer { o in
            let nonce = o.baseAddress! + 1
            randombytes_buf(nonce, Self.nonceBytes)
            var written: UInt64 = 0
            _ = crypto_aead_xchacha20poly1305_ietf_encrypt(
                nonce + Self.nonceBytes, &written, plaintext, UInt64(plaintext.count), ad, UInt64(ad.count), nil, nonce, keys[0])
        }
        return Base64URL.encode(out)
    }

    /// The plaintext of cookie text sealed for `purpose` with any of the secrets; nil for anything else (a
    /// garbled, truncated or foreign cookie, another purpose, a secret no longer known).
    public func open(_ cookie: some Collection<UInt8>, purpose: String) -> [UInt8]? {
        guard let raw = Base64URL.decodeUnpadded(cookie), raw.count >= 1 + Self.nonceBytes + Self.tagBytes, raw[0] == Self.version else {
            return nil
        }
        let ad = Array(purpose.utf8)
        let sealedCount = raw.count - 1 - Self.nonceBytes
        var plain = [UInt8](repeating: 0, count: sealedCount - Self.tagBytes)
        for key in keys {
            var written: UInt64 = 0
            let opened = raw.withUnsafeBufferPointer { r in
                plain.withUnsafeMutableBufferPointer { p in
                    crypto_aead_xchacha20poly1305_ietf_decrypt(
                        p.baseAddress, &written, nil, r.baseAddress! + 1 + Self.nonceBytes, UInt64(sealedCount), ad, UInt64(ad.count),
                        r.baseAddress! + 1, key)
                }
            }
            if opened == 0 { return Array(plain.prefix(Int(written))) }
        }
        return nil
    }
}
