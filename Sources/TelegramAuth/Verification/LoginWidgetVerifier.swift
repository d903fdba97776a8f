/// Verifies Login Widget data with the bot token: SHA256(token) as the HMAC key.
///
/// Accepts, detected automatically, a query string, a whole callback URL (`https://…/auth?…` or a custom
/// scheme such as `myapp://telegram-callback?…`, also with the data in the fragment or as
/// `tgAuthResult`), or the JSON object of the widget's JavaScript callback. Key/value pairs go through
/// ``verify(fields:options:)``. Immutable and `Sendable`.
public struct LoginWidgetVerifier: Sendable {
    let key: HMACKey

    /// - Throws: `invalid_argument` for a token that is not of the form `<bot id>:<secret>`.
    public init(botToken: String) throws(TelegramAuthError) {
        try TelegramSecrets.checkBotToken(botToken)
        var secret = TelegramSecrets.widgetSecret(botToken: botToken)
        key = HMACKey(key: secret)
        for i in secret.indices { secret[i] = 0 }
    }

    /// Verifies a query string, callback URL or JSON object.
    public func verify(_ data: String, options: ValidationOptions = .default) throws(TelegramAuthError) -> WidgetUser {
        try withBytes(of: data) { (b) throws(TelegramAuthError) in try verify(bytes: b, options: options) }
    }

    /// Verifies bytes in any of the accepted text forms.
    public func verify(bytes: some Collection<UInt8>, options: ValidationOptions = .default) throws(TelegramAuthError) -> WidgetUser {
        try withBytes(of: bytes) { (b) throws(TelegramAuthError) in try verify(bytes: b, options: options) }
    }

    /// Verifies key/value pairs, for example a web framework's parsed query parameters.
    public func verify(fields: some Sequence<(String, String)>, options: ValidationOptions = .default) throws(TelegramAuthError) -> WidgetUser {
        try options.checkArguments()
        let pairs = fields.map { (key: Array($0.0.utf8), value: Array($0.1.utf8)) }
        try options.checkSize(pairs.reduce(0) { $0 + $1.key.count + $1.value.count + 2 })
        var parser = FieldParser(storage: FieldParser.storage(forPairs: pairs))
        try parser.addPairs(pairs)
        return try check(&parser, options: options)
    }

    /// Verifies `count` pairs given as `key\0value\0key\0value` (no trailing NUL): the form in which a
    /// language binding passes a mapping across the C ABI in one piece.
    package func verify(
        nulSeparatedPairs input: UnsafeBufferPointer<UInt8>, count: Int, options: ValidationOptions
    ) throws(TelegramAuthError) -> WidgetUser {
        try options.checkArguments()
        try options.checkSize(input.count)
        // n pairs take at least 2n - 1 bytes (a one-byte key and a NUL each, a NUL between pairs)
        guard count >= 0, count <= (input.count + 1) / 2 else {
            throw .malformed("\(UInt(bitPattern: count)) pairs cannot fit in \(input.count) bytes")
        }
        var parser = FieldParser(storage: FieldParser.storage(forNULPairs: input, count: count))
        try parser.parseNULPairs(input, count: count)
        return try check(&parser, options: options)
    }

    /// Verifies a dictionary of fields.
    public func verify(fields: [String: String], options: ValidationOptions = .default) throws(TelegramAuthError) -> WidgetUser {
        try verify(fields: fields.map { ($0.key, $0.value) }, options: options)
    }

    /// Verifies a caller-owned buffer in any of the accepted text forms.
    public func verify(bytes input: UnsafeBufferPointer<UInt8>, options: ValidationOptions = .default) throws(TelegramAuthError) -> WidgetUser {
        try options.checkArguments()
        try options.checkSize(input.count)
        guard let p = input.baseAddress, input.count > 0 else { throw .malformed("empty input") }
        if p[0] == UInt8(ascii: "{") {
            return try verifyJSON(input, options: options)
        }
        var body = input
        if let query = Self.dataPart(ofURL: input) {
            body = query
        } else if p[0] == UInt8(ascii: "?") {
            body = UnsafeBufferPointer(rebasing: input[1...])
        }
        if let encoded = Self.tgAuthResult(body) {
            guard let json = Self.decodeBase64URLLoose(encoded) else {
                throw .malformed("tgAuthResult is not base64", field: "tgAuthResult")
            }
            return try json.withUnsafeBufferPointer { (b) throws(TelegramAuthError) in try verifyJSON(b, options: options) }
        }
        var parser = FieldParser(storage: FieldParser.storage(forQuery: body))
        try parser.parseQuery(body)
        return try check(&parser, options: options)
    }

    private func verifyJSON(_ input: UnsafeBufferPointer<UInt8>, options: ValidationOptions) throws(TelegramAuthError) -> WidgetUser {
        var parser = FieldParser(storage: FieldParser.storage(forJSON: input))
        try parser.parseFlatJSON(input)
        return try check(&parser, options: options)
    }

    /// The query (or, without one, the fragment) of a URL with a scheme; `nil` when `input` is not a URL.
    static func dataPart(ofURL input: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        var i = 0
        // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) followed by "://"
        while i < input.count {
            let c = input[i]
            let isSchemeChar = (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z"))
                || (i > 0 && (c &- UInt8(ascii: "0") < 10 || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")))
            if !isSchemeChar { break }
            i += 1
        }
        guard i > 0, i + 3 <= input.count, input[i] == UInt8(ascii: ":"), input[i + 1] == UInt8(ascii: "/"),
            input[i + 2] == UInt8(ascii: "/")
        else { return nil }
        let rest = UnsafeBufferPointer(rebasing: input[(i + 3)...])
        let question = rest.firstIndex(of: UInt8(ascii: "?"))
        let hashMark = rest.firstIndex(of: UInt8(ascii: "#"))
        if let question, hashMark.map({ question < $0 }) ?? true {
            return UnsafeBufferPointer(rebasing: rest[(question + 1)..<(hashMark ?? rest.count)])
        }
        if let hashMark {
            return UnsafeBufferPointer(rebasing: rest[(hashMark + 1)...])
        }
        return UnsafeBufferPointer(rebasing: rest[rest.count...])
    }

    /// The value of a lone `tgAuthResult=` field (Telegram's OAuth redirect form).
    static func tgAuthResult(_ body: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        let name: StaticString = "tgAuthResult="
        let n = name.utf8CodeUnitCount
        guard body.count > n, let p = body.baseAddress, Bytes.memcmpEqual(p, name.utf8Start, n),
            !body.contains(UInt8(ascii: "&"))
        else { return nil }
        return UnsafeBufferPointer(rebasing: body[n...])
    }

    static func decodeBase64URLLoose(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        // tgAuthResult may use either alphabet and may drop padding
        var normalized = text.map { c -> UInt8 in
            c == UInt8(ascii: "+") ? UInt8(ascii: "-") : c == UInt8(ascii: "/") ? UInt8(ascii: "_") : c
        }
        while normalized.last == UInt8(ascii: "=") { normalized.removeLast() }
        var out = [UInt8](repeating: 0, count: normalized.count * 3 / 4 + 3)
        let written = normalized.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { Base64URL.decodeLenient(src, into: $0) }
        }
        guard let written else { return nil }
        out.removeLast(out.count - written)
        return out
    }

    private func check(_ parser: inout FieldParser, options: ValidationOptions) throws(TelegramAuthError) -> WidgetUser {
        try parser.sortAndCheckDuplicates()
        guard let hashIndex = parser.find("hash") else { throw .missing("hash") }
        try parser.checkHMAC(key: key, hashIndex: hashIndex)
        guard let authIndex = parser.find("auth_date") else { throw .missing("auth_date") }
        let authDate = try parser.unsignedInteger(authIndex, name: "auth_date")
        try options.checkTime(authDate: authDate)
        try parser.decodeResult(Schema.widgetUser)
        return WidgetUser(storage: parser.storage)
    }
}
