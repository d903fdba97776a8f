/// The Ed25519 key sets Telegram publishes for third-party validation.
public enum TelegramEnvironment: String, Sendable, CaseIterable {
    case production
    case test

    /// Telegram's public key for this environment.
    public var publicKey: Ed25519PublicKey {
        switch self {
        case .production: .telegramProduction
        case .test: .telegramTest
        }
    }
}
