import CSodium

/// libsodium is initialised once per process, before the first key is made; `sodium_init` is itself
/// thread-safe and idempotent.
let sodiumReady: Bool = sodium_init() >= 0

/// An Ed25519 public key.
///
/// Verification is strict, and all of it is libsodium's:
/// - the key is checked once, when it is imported, with `crypto_core_ed25519_is_valid_point`: a small-order,
///   mixed-order, non-canonical or off-curve key is refused;
/// - `crypto_sign_verify_detached` refuses a non-canonical `S` (so a signature cannot be altered into a second
///   valid one) and a small-order `R`, and compares R's bytes with the canonical encoding it computes.
public struct Ed25519PublicKey: Sendable, Hashable {
    /// The 32 raw key bytes.
    public let rawRepresentation: [UInt8]

    /// Imports a raw 32-byte Ed25519 public key.
    /// - Throws: `invalid_argument` when the key is not 32 bytes, or not a valid point of prime order.
    public init(rawRepresentation bytes: some Collection<UInt8>) throws(TelegramAuthError) {
        let raw = Array(bytes)
        guard raw.count == 32 else {
            throw .invalidArgument("an Ed25519 public key is 32 bytes, not \(raw.count)")
        }
        guard sodiumReady else { throw .invalidArgument("libsodium could not be initialised") }
        guard crypto_core_ed25519_is_valid_point(raw) == 1 else {
            throw .invalidArgument("not a usable Ed25519 public key (small order, non-canonical or not on the curve)")
        }
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

    /// Verifies a signature over `message`; anything but 64 signature bytes is refused.
    public func isValidSignature(_ signature: UnsafeRawBufferPointer, for message: UnsafeRawBufferPointer) -> Bool {
        guard signature.count == 64, let sig = signature.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        let text = (message.baseAddress ?? signature.baseAddress!).assumingMemoryBound(to: UInt8.self)
        return crypto_sign_verify_detached(sig, text, UInt64(message.count), rawRepresentation) == 0
    }

    /// Verifies a signature over `message` (convenience over byte collections).
    public func isValidSignature(_ signature: some Collection<UInt8>, for message: some Collection<UInt8>) -> Bool {
        let sig = Array(signature)
        let msg = Array(message)
        return sig.withUnsafeBytes { s in msg.withUnsafeBytes { m in isValidSignature(s, for: m) } }
    }
}

/// An Ed25519 private key, for signing test data the way Telegram does.
public struct Ed25519PrivateKey: Sendable {
    final class SecretKey: @unchecked Sendable {
        /// libsodium's 64-byte secret key: the seed followed by the public key.
        let bytes: UnsafeMutablePointer<UInt8>
        init() { bytes = .allocate(capacity: 64) }
        deinit {
            sodium_memzero(bytes, 64)
            bytes.deallocate()
        }
    }

    let secret: SecretKey
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
        guard sodiumReady else { throw .invalidArgument("libsodium could not be initialised") }
        let secret = SecretKey()
        var pk = [UInt8](repeating: 0, count: 32)
        let ok = crypto_sign_seed_keypair(&pk, secret.bytes, seed) == 0
        guard ok else { throw .invalidArgument("libsodium could not derive the Ed25519 key pair") }
        self.secret = secret
        publicKey = try Ed25519PublicKey(rawRepresentation: pk)
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
        let rc = crypto_sign_detached(&sig, nil, bytes, UInt64(bytes.count), secret.bytes)
        precondition(rc == 0, "libsodium Ed25519 signing failed")
        return sig
    }
}
