/// The steps shared by Mini App (HMAC) and third-party (Ed25519) validation.
enum InitDataPipeline {
    /// Removes an `Authorization` scheme prefix `tma ` (case-insensitive, then one or more spaces).
    static func stripAuthorizationScheme(_ input: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard input.count >= 4, let p = input.baseAddress,
            p[0] | 0x20 == UInt8(ascii: "t"), p[1] | 0x20 == UInt8(ascii: "m"), p[2] | 0x20 == UInt8(ascii: "a"),
            p[3] == UInt8(ascii: " ")
        else { return input }
        var i = 4
        while i < input.count && p[i] == UInt8(ascii: " ") { i += 1 }
        return UnsafeBufferPointer(start: p + i, count: input.count - i)
    }

    /// Size check, strict parse, sort, duplicate check.
    static func parse(
        _ raw: UnsafeBufferPointer<UInt8>, options: ValidationOptions, extraBytes: Int = 0
    ) throws(TelegramAuthError) -> FieldParser {
        try options.checkArguments()
        try options.checkSize(raw.count)
        let input = stripAuthorizationScheme(raw)
        let storage = FieldParser.storage(forQuery: input, extraBytes: extraBytes)
        var parser = FieldParser(storage: storage)
        try parser.parseQuery(input)
        try parser.sortAndCheckDuplicates()
        return parser
    }

    /// Reads `auth_date`, checks the time window, and decodes every known field into the header (``Schema``).
    static func finish(_ parser: inout FieldParser, options: ValidationOptions) throws(TelegramAuthError) -> InitData {
        guard let authIndex = parser.find("auth_date") else { throw .missing("auth_date") }
        let authDate = try parser.unsignedInteger(authIndex, name: "auth_date")
        try options.checkTime(authDate: authDate)

        try parser.decodeResult(Schema.initData)
        return InitData(storage: parser.storage)
    }
}

/// Runs `body` over the UTF-8 bytes of `text` and passes its typed error through.
@inline(__always)
func withBytes<T>(
    of text: String, _ body: (UnsafeBufferPointer<UInt8>) throws(TelegramAuthError) -> T
) throws(TelegramAuthError) -> T {
    var copy = text
    var result: Result<T, TelegramAuthError>!
    copy.withUTF8 { bytes in result = Result { () throws(TelegramAuthError) -> T in try body(bytes) } }
    return try result.get()
}

@inline(__always)
func withBytes<T>(
    of bytes: some Collection<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws(TelegramAuthError) -> T
) throws(TelegramAuthError) -> T {
    var result: Result<T, TelegramAuthError>!
    let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
        result = Result { () throws(TelegramAuthError) -> T in try body(buffer) }
    }
    if done == nil {
        let array = Array(bytes)
        array.withUnsafeBufferPointer { buffer in
            result = Result { () throws(TelegramAuthError) -> T in try body(buffer) }
        }
    }
    return try result.get()
}
