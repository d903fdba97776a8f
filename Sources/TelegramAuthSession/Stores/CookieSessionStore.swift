import TelegramAuth

/// The default: the whole session sealed into the cookie (`CookieSealer`), nothing kept on the server. A
/// logout clears the cookie; a copy of it stays valid until it expires, and sessions cannot be counted per
/// user. Spent login flows are remembered in this process only.
public struct CookieSessionStore: SessionStore {
    static let purpose = "session"
    let sealer: CookieSealer
    let spent = SpentMarks()

    public init(sealer: CookieSealer) { self.sealer = sealer }

    public func save(_ session: Session) -> String { sealer.seal(Array(session.json.utf8), purpose: Self.purpose) }

    public func load(_ cookie: some Collection<UInt8>, now: Int64) -> Session? {
        guard let plain = sealer.open(cookie, purpose: Self.purpose), let session = try? Session(json: plain) else { return nil }
        return session.isValid(at: now) ? session : nil
    }

    public func revoke(_ cookie: some Collection<UInt8>) {}

    public func spend(_ id: String, expiresAt: Int64) -> Bool { spent.spend(id, expiresAt: expiresAt) }
}
