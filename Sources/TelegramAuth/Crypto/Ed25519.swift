import COpenSSL

/// An Ed25519 public key, imported into OpenSSL once and reused for every verification.
public struct Ed25519PublicKey: Sendable, Hashable {
    final class Box: @unchecked Sendable {
        let pkey: OpaquePointer
        init(pkey: OpaquePointer) { self.pkey = pkey }
        deinit { EVP_PKEY_free(pkey) }
    }

    let box: Box
    /// The 32 raw key bytes.
    public let rawRepresentation: [UInt8]

    /// Imports a raw 32-byte Ed25519 public key.
    /// - Throws: `invalid_argument` when the key is not 32 bytes or OpenSSL refuses it.
    public init(rawRepresentation bytes: some Collection<UInt8>) throws(TelegramAuthError) {
        let raw = Array(bytes)
        guard raw.count == 32 else {
            throw .invalidArgument("an Ed25519 public key is 32 bytes, not \(raw.count)")
        }
        guard let pkey = raw.withUnsafeBufferPointer({ EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, 32) })
        else { throw .invalidArgument("OpenSSL refused the Ed25519 public key") }
        box = Box(pkey: pkey)
        rawRepresentation = raw
    }

    /// Imports a key written as 64 hexadecimal digits.
    public init(hex: String) throws(TelegramAuthError) {
        guard let raw = Hex.decode(hex.utf8) else {
            throw .invalidArgument("an Ed25519 public key in hex is 64 hexadecimal digits")
        }
        try self.init(rawRepresentation: raw)
    }

    /// Telegram's production key for third-party validation.
    public static let telegramProduction = try! Ed25519PublicKey(
        hex: "e7bf03a2fa4602af4580703d88dda5bb59f32ed8b02a56c187fe7d34caed242d")
    /// Telegram's test-environment key for third-party validation.
    public static let telegramTest = try! Ed25519PublicKey(
        hex: "40055058a4ee38156a06562e52eece92a771bcd8346a8c4615cb7376eddf72ec")

    /// Verifies a 64-byte signature over `message`.
    func isValidSignature(_ signature: UnsafeRawBufferPointer, for message: UnsafeRawBufferPointer) -> Bool {
        guard signature.count == 64, let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestVerifyInit(ctx, nil, nil, nil, box.pkey) == 1 else { return false }
        return EVP_DigestVerify(
            ctx, signature.baseAddress?.assumingMemoryBound(to: UInt8.self), 64,
            message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count) == 1
    }

    public static func == (a: Ed25519PublicKey, b: Ed25519PublicKey) -> Bool {
        a.rawRepresentation == b.rawRepresentation
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(rawRepresentation) }
}

/// An Ed25519 private key, for signing test data the way Telegram does.
public struct Ed25519PrivateKey: Sendable {
    let box: Ed25519PublicKey.Box
    /// The matching public key.
    public let publicKey: Ed25519PublicKey

    /// Imports a 32-byte private key seed.
    /// - Throws: `invalid_argument` when the seed is not 32 bytes.
    public init(seed bytes: some Collection<UInt8>) throws(TelegramAuthError) {
        var seed = Array(bytes)
        defer { for i in seed.indices { seed[i] = 0 } }
        guard seed.count == 32 else {
            throw .invalidArgument("an Ed25519 private key seed is 32 bytes, not \(seed.count)")
        }
        guard let pkey = seed.withUnsafeBufferPointer({ EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, 32) })
        else { throw .invalidArgument("OpenSSL refused the Ed25519 private key") }
        box = Ed25519PublicKey.Box(pkey: pkey)
        var raw = [UInt8](repeating: 0, count: 32)
        var len = 32
        guard EVP_PKEY_get_raw_public_key(pkey, &raw, &len) == 1, len == 32 else {
            throw .invalidArgument("OpenSSL could not derive the Ed25519 public key")
        }
        publicKey = try Ed25519PublicKey(rawRepresentation: raw)
    }

    /// Imports a seed written as 64 hexadecimal digits.
    public init(hex: String) throws(TelegramAuthError) {
        guard let raw = Hex.decode(hex.utf8) else {
            throw .invalidArgument("an Ed25519 private key in hex is 64 hexadecimal digits")
        }
        try self.init(seed: raw)
    }

    /// Signs `message`, returning the 64-byte signature.
    public func signature(for message: some Sequence<UInt8>) -> [UInt8] {
        let bytes = Array(message)
        var sig = [UInt8](repeating: 0, count: 64)
        var len = 64
        let ctx = EVP_MD_CTX_new()
        defer { EVP_MD_CTX_free(ctx) }
        let ok = EVP_DigestSignInit(ctx, nil, nil, nil, box.pkey) == 1
            && bytes.withUnsafeBufferPointer { EVP_DigestSign(ctx, &sig, &len, $0.baseAddress, $0.count) } == 1
        precondition(ok && len == 64, "OpenSSL Ed25519 signing failed")
        return sig
    }
}
