import TelegramAuth

/// A logged-in user's session: the identity, and when the session was made and ends.
public struct Session: Sendable, Equatable {
    public let identity: TelegramIdentity
    /// Unix times.
    public let issuedAt: Int64
    public let expiresAt: Int64

    public init(identity: TelegramIdentity, issuedAt: Int64, expiresAt: Int64) {
        self.identity = identity
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }

    /// The identity's members, then `iat` and `exp`.
    public var json: String {
        guard case .object(let members) = identity.json else { return "{}" }
        return JSONValue.serialize(.object(members + [("iat", .number(String(issuedAt))), ("exp", .number(String(expiresAt)))]))
    }

    /// - Throws: `malformed` for anything but `json`'s form.
    public init(json bytes: some Collection<UInt8>) throws(TelegramAuthError) {
        let value = try JSONValue.parse(bytes)
        guard let iat = value["iat"]?.int64Value, let exp = value["exp"]?.int64Value else { throw .malformed("not a session") }
        self.init(identity: try TelegramIdentity(json: value), issuedAt: iat, expiresAt: exp)
    }

    /// Whether the session still holds at `now`.
    public func isValid(at now: Int64) -> Bool { now < expiresAt && issuedAt <= now + 60 }
}
