/// A parsed JSON value, for the Bot API updates a webhook receives and the records a login store keeps.
///
/// Read by ``JSONReader``, as strictly as every other JSON the library takes (RFC 8259): one value, no
/// trailing commas or garbage, valid UTF-8, valid escapes and surrogate pairs, no member given twice, nesting
/// bounded. Numbers keep their text, so 64-bit ids stay exact.
public enum JSONValue: Sendable, Hashable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.object(x), .object(y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case let (.array(x), .array(y)): x == y
        case let (.string(x), .string(y)): x == y
        case let (.number(x), .number(y)): x == y
        case let (.bool(x), .bool(y)): x == y
        case (.null, .null): true
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(JSONValue.serialize(self)) }

    /// The member `name` of an object, or nil.
    public subscript(_ name: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == name }?.1
    }

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    /// An integer that fits 64 bits, written without fraction or exponent.
    public var int64Value: Int64? {
        guard case .number(let text) = self else { return nil }
        return Int64(text)
    }

    /// The deepest nesting accepted (``JSONReader``'s).
    public static let maxDepth = JSONReader.maxDepth

    /// Parses one JSON text with the library's one JSON reader.
    /// - Throws: `malformed`, naming the byte offset of the problem: invalid UTF-8, bad grammar, a member
    ///   given twice, nesting deeper than ``maxDepth``, or data after the value.
    public static func parse(_ bytes: some Collection<UInt8>) throws(TelegramAuthError) -> JSONValue {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { (input) throws(TelegramAuthError) -> JSONValue in
            guard let base = input.baseAddress, !input.isEmpty else { throw .malformed("JSON: empty input") }
            guard Bytes.isValidUTF8(base, input.count) else { throw .malformed("JSON: invalid UTF-8") }
            // decoded strings are never longer than their JSON text; the reader stores eight bytes at a time
            var parser = FieldParser(storage: FieldStorage.make(fields: 0, byteCount: 2 * input.count + 16))
            var reader = JSONReader(base, input.count, context: "JSON", allowsNUL: true)
            reader.skipWhitespace()
            let value = try reader.readValue(into: &parser, depth: 0)
            reader.skipWhitespace()
            guard reader.atEnd else { throw reader.error("unexpected data after the value") }
            return value
        }
    }

    public static func parse(_ text: String) throws(TelegramAuthError) -> JSONValue { try parse(Array(text.utf8)) }

    /// Compact JSON text.
    public static func serialize(_ value: JSONValue) -> String {
        var out = ""
        out.reserveCapacity(256)
        JSONWriter.append(value, to: &out)
        return out
    }
}

extension JSONReader {
    /// Reads any JSON value into a tree; strings are decoded through `parser`'s region.
    mutating func readValue(into parser: inout FieldParser, depth: Int) throws(TelegramAuthError) -> JSONValue {
        switch peek() {
        case UInt8(ascii: "{"):
            guard depth < JSONReader.maxDepth else { throw error("nesting deeper than \(JSONReader.maxDepth) levels") }
            var members: [(String, JSONValue)] = []
            try forEachMember(in: &parser) { (r: inout JSONReader, p: inout FieldParser, key, keyCount) throws(TelegramAuthError) in
                let name = String(decoding: UnsafeBufferPointer(start: key, count: keyCount), as: UTF8.self)
                members.append((name, try r.readValue(into: &p, depth: depth + 1)))
            }
            return .object(members)
        case UInt8(ascii: "["):
            guard depth < JSONReader.maxDepth else { throw error("nesting deeper than \(JSONReader.maxDepth) levels") }
            advance()
            skipWhitespace()
            var items: [JSONValue] = []
            if peek() == UInt8(ascii: "]") {
                advance()
                return .array(items)
            }
            while true {
                skipWhitespace()
                items.append(try readValue(into: &parser, depth: depth + 1))
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    advance()
                    continue
                }
                try expect(UInt8(ascii: "]"))
                return .array(items)
            }
        case UInt8(ascii: "\""):
            let slice = try readString(into: &parser)
            return .string(String(decoding: parser.storage.bytes(slice), as: UTF8.self))
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            return .bool(try readBool())
        case UInt8(ascii: "n"):
            guard skipNull() else { throw error("bad literal") }
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let range = try skipNumber()
            return .number(String(decoding: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count), as: UTF8.self))
        default:
            throw error(atEnd ? "unexpected end of JSON" : "unexpected character")
        }
    }
}
