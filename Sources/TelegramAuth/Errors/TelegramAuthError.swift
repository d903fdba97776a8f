/// A rejection of Telegram data, or a bad argument to the library.
///
/// `kind` is stable and shared by every surface: the C status codes, the Python exceptions and the CLI
/// print the same identifiers. `detail` is for people; it names the field or byte position at fault and
/// never contains a bot token or a key derived from one.
public struct TelegramAuthError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable error kinds: the one table of them. A kind's C status code is its place in this list
    /// (`malformed` is 1), its name is the raw value, its message ``message``; the C exports, the CLI and
    /// Python all derive theirs from here, and tests hold the header to it. New kinds are only ever added
    /// at the end.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The input does not follow the expected syntax (query string, JSON, hex, base64url, UTF-8).
        case malformed
        /// A field that must be present is absent.
        case missingField = "missing_field"
        /// The HMAC-SHA256 `hash` does not match.
        case badHash = "bad_hash"
        /// A signature does not verify: the Ed25519 `signature`, an id_token's, a Gateway report's.
        case badSignature = "bad_signature"
        /// `auth_date` (or a Gateway report's timestamp) is older than the allowed maximum age.
        case expired
        /// `auth_date` (or a Gateway report's timestamp) lies further ahead than the allowed clock skew.
        case futureAuthDate = "future_auth_date"
        /// The input is longer than the configured limit.
        case tooLarge = "too_large"
        /// The caller passed an unusable argument, such as an empty bot token or a 31-byte key.
        case invalidArgument = "invalid_argument"
        /// The caller's output buffer is too small; the size needed is reported (C ABI only).
        case bufferTooSmall = "buffer_too_small"
        /// A webhook request's `X-Telegram-Bot-Api-Secret-Token` header is missing or wrong.
        case badWebhookSecret = "bad_webhook_secret"
        /// The in-memory login store holds its maximum of pending logins.
        case storeFull = "store_full"
        /// The login store (Redis) cannot be reached or answered with an error.
        case storeUnavailable = "store_unavailable"
        /// An id_token names a key (`kid`) the key set lacks: fetch the key set again.
        case unknownKey = "unknown_key"
        /// An id_token's claims are not for this client (`iss`, `aud`, `azp`, `sub`, `nonce`, or a missing time).
        case badClaim = "bad_claim"
        /// The OAuth token endpoint refused (its `error`, and `error_description` when given, are in the detail).
        case oauthError = "oauth_error"
        /// An HTTPS request (the key set, the token request) got no usable answer: no connection, a TLS
        /// failure, a timeout, an HTTP error status or an oversized answer.
        case network

        /// The C status code (`TGAUTH_E_…`): the kind's place in ``allCases``, counting from 1 (0 is success).
        public var code: Int32 { Int32(Self.allCases.firstIndex(of: self)!) + 1 }

        /// The kind of a C status code, or nil for 0 and unknown codes.
        public init?(code: Int32) {
            guard code >= 1, code <= Self.allCases.count else { return nil }
            self = Self.allCases[Int(code) - 1]
        }

        /// The static message of the kind (`tgauth_strerror`).
        public var message: String {
            switch self {
            case .malformed: "malformed input"
            case .missingField: "a required field is missing"
            case .badHash: "the hash does not match"
            case .badSignature: "the signature does not verify"
            case .expired: "auth_date is too old"
            case .futureAuthDate: "auth_date is in the future"
            case .tooLarge: "the input is too large"
            case .invalidArgument: "invalid argument"
            case .bufferTooSmall: "the output buffer is too small"
            case .badWebhookSecret: "the webhook secret header is missing or wrong"
            case .storeFull: "the login store is full"
            case .storeUnavailable: "the login store is unavailable"
            case .unknownKey: "the token's key is not in the key set"
            case .badClaim: "a claim of the token is wrong"
            case .oauthError: "the OAuth endpoint refused the request"
            case .network: "an HTTPS request failed"
            }
        }
    }

    /// The stable kind of the error.
    public let kind: Kind
    /// The field involved, when there is one (`user.id`, `auth_date`, `hash`…).
    public let field: String?
    /// A human-readable explanation without secrets.
    public let detail: String

    /// - Parameters:
    ///   - kind: the stable kind.
    ///   - field: the field involved, if any.
    ///   - detail: the explanation. Control characters in `field` and `detail` are written out (see
    ///     ``escapingControlCharacters(_:)``), so text taken from the input cannot forge a log line.
    public init(_ kind: Kind, field: String? = nil, _ detail: String) {
        self.kind = kind
        self.field = field.map(Self.escapingControlCharacters)
        self.detail = Self.escapingControlCharacters(detail)
    }

    /// `text` with every control character written out: `\n`, `\r` and `\t`, other C0 controls and DEL as
    /// `\xNN`, C1 controls and the Unicode line and paragraph separators as `\u{NNNN}`. A terminal cannot
    /// act on what is left, and no line break remains.
    public static func escapingControlCharacters(_ text: String) -> String {
        // C1 controls are U+0080-U+009F (0xC2 0x80-0x9F); U+2028/U+2029 are 0xE2 0x80 0xA8/0xA9
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0..<0x20, 0x7F: out += "\\x" + Hex.encode([UInt8(scalar.value)])
            case 0x80..<0xA0, 0x2028, 0x2029: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `<kind>: <detail>`, the form the CLI prints.
    public var description: String { "\(kind.rawValue): \(detail)" }

    package static func malformed(_ detail: String, field: String? = nil) -> TelegramAuthError {
        TelegramAuthError(.malformed, field: field, detail)
    }

    package static func missing(_ field: String) -> TelegramAuthError {
        TelegramAuthError(.missingField, field: field, "required field '\(field)' is missing")
    }

    package static func invalidArgument(_ detail: String) -> TelegramAuthError {
        TelegramAuthError(.invalidArgument, detail)
    }
}

extension TelegramAuthError {
    /// `{"error":"<kind>","field":"…","detail":"…"}` (field only when there is one).
    public var jsonString: String {
        var w = JSONWriter()
        w.string("error", kind.rawValue)
        w.string("field", field)
        w.string("detail", detail)
        return w.finished()
    }
}
