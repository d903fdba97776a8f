/// The library's one JSON reader: strict (RFC 8259) and allocation-free over bytes. It reads the objects
/// inside initData, the widget's JSON callback, and (through ``JSONValue``) webhook updates and login records. Strings are decoded into a ``FieldParser``'s region.
struct JSONReader {
    /// Objects and arrays nested deeper than this are rejected rather than recursed into.
    static let maxDepth = 64

    let base: UnsafePointer<UInt8>
    let end: Int
    var position = 0
    /// Where the JSON came from, for error messages (`user`, `chat`, `JSON`…).
    let context: StaticString
    /// Whether `\u0000` may appear in a string. Fields handed to C as NUL-terminated strings refuse it;
    /// ``JSONValue`` trees, which keep Swift strings, take it.
    let allowsNUL: Bool

    init(_ base: UnsafePointer<UInt8>, _ count: Int, context: StaticString, allowsNUL: Bool = false) {
        self.base = base
        self.end = count
        self.context = context
        self.allowsNUL = allowsNUL
    }

    var atEnd: Bool { position >= end }

    @inline(__always)
    func peek() -> UInt8 { position < end ? base[position] : 0 }

    @inline(__always)
    mutating func advance() { position += 1 }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < end {
            switch base[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    func error(_ what: String) -> TelegramAuthError {
        .malformed("\(context): \(what) at byte \(position)", field: "\(context)")
    }

    @inline(__always)
    mutating func expect(_ c: UInt8) throws(TelegramAuthError) {
        if position < end && base[position] == c {
            position &+= 1
            return
        }
        throw unexpected(c)
    }

    @inline(never)
    func unexpected(_ c: UInt8) -> TelegramAuthError {
        error(atEnd ? "unexpected end of JSON, expected '\(Character(Unicode.Scalar(c)))'"
            : "expected '\(Character(Unicode.Scalar(c)))'")
    }

    /// Decodes a JSON string into the parser's region, NUL-terminated; rejects control characters,
    /// bad escapes, lone surrogates and (unless ``allowsNUL``) `\u0000`.
    mutating func readString(into parser: inout FieldParser) throws(TelegramAuthError) -> Slice32 {
        try expect(UInt8(ascii: "\""))
        let out = parser.bytes + parser.cursor
        var o = 0
        while true {
            guard position < end else { throw error("unterminated string") }
            let c = base[position]
            if c == UInt8(ascii: "\"") {
                position &+= 1
                break
            }
            if c < 0x20 { throw error("control character in string") }
            if c != UInt8(ascii: "\\") {
                out[o] = c
                o &+= 1
                position &+= 1
                continue
            }
            guard position + 1 < end else { throw error("unterminated escape") }
            let e = base[position + 1]
            position += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out[o] = e
            case UInt8(ascii: "b"): out[o] = 0x08
            case UInt8(ascii: "f"): out[o] = 0x0C
            case UInt8(ascii: "n"): out[o] = 0x0A
            case UInt8(ascii: "r"): out[o] = 0x0D
            case UInt8(ascii: "t"): out[o] = 0x09
            case UInt8(ascii: "u"):
                o += encodeUTF8(try readUnicodeEscape(), into: out + o)
                continue
            default:
                throw error("bad escape")
            }
            o += 1
        }
        out[o] = 0
        let slice = Slice32(start: UInt32(parser.cursor), count: UInt32(o))
        parser.cursor += o + 1
        return slice
    }

    /// The scalar of a `\uXXXX` escape (its `\u` already read), a surrogate pair joined: the one rule for
    /// strings read and strings skipped. Refuses a lone surrogate, and `\u0000` unless ``allowsNUL``.
    private mutating func readUnicodeEscape() throws(TelegramAuthError) -> UInt32 {
        var scalar = try readHex4()
        if scalar >= 0xD800 && scalar <= 0xDBFF {
            guard position + 1 < end, base[position] == UInt8(ascii: "\\"), base[position + 1] == UInt8(ascii: "u")
            else { throw error("lone surrogate") }
            position += 2
            let low = try readHex4()
            guard low >= 0xDC00 && low <= 0xDFFF else { throw error("lone surrogate") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
            throw error("lone surrogate")
        }
        if scalar == 0 && !allowsNUL { throw error("NUL character") }
        return scalar
    }

    private mutating func readHex4() throws(TelegramAuthError) -> UInt32 {
        guard position + 4 <= end else { throw error("truncated \\u escape") }
        guard let v = Hex.quad(base[position], base[position + 1], base[position + 2], base[position + 3]) else {
            throw error("bad \\u escape")
        }
        position += 4
        return v
    }

    private func encodeUTF8(_ s: UInt32, into p: UnsafeMutablePointer<UInt8>) -> Int {
        switch s {
        case 0..<0x80:
            p[0] = UInt8(s)
            return 1
        case 0x80..<0x800:
            p[0] = UInt8(0xC0 | (s >> 6))
            p[1] = UInt8(0x80 | (s & 0x3F))
            return 2
        case 0x800..<0x10000:
            p[0] = UInt8(0xE0 | (s >> 12))
            p[1] = UInt8(0x80 | ((s >> 6) & 0x3F))
            p[2] = UInt8(0x80 | (s & 0x3F))
            return 3
        default:
            p[0] = UInt8(0xF0 | (s >> 18))
            p[1] = UInt8(0x80 | ((s >> 12) & 0x3F))
            p[2] = UInt8(0x80 | ((s >> 6) & 0x3F))
            p[3] = UInt8(0x80 | (s & 0x3F))
            return 4
        }
    }

    /// Skips a string without decoding it, validating its escapes as `readString` does.
    mutating func skipString() throws(TelegramAuthError) {
        try expect(UInt8(ascii: "\""))
        while true {
            guard position < end else { throw error("unterminated string") }
            let c = base[position]
            if c == UInt8(ascii: "\"") {
                position += 1
                return
            }
            if c < 0x20 { throw error("control character in string") }
            if c == UInt8(ascii: "\\") {
                guard position + 1 < end else { throw error("unterminated escape") }
                switch base[position + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                    UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 2
                case UInt8(ascii: "u"):
                    position += 2
                    _ = try readUnicodeEscape()
                default:
                    throw error("bad escape")
                }
                continue
            }
            position += 1
        }
    }

    /// Skips a number, checking the RFC 8259 grammar. - Returns: its byte range.
    mutating func skipNumber() throws(TelegramAuthError) -> Range<Int> {
        let start = position
        if peek() == UInt8(ascii: "-") { position += 1 }
        if peek() == UInt8(ascii: "0") {
            position += 1
        } else {
            guard isDigit(peek()) else { throw error("bad number") }
            while isDigit(peek()) { position += 1 }
        }
        if peek() == UInt8(ascii: ".") {
            position += 1
            guard isDigit(peek()) else { throw error("bad number") }
            while isDigit(peek()) { position += 1 }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            guard isDigit(peek()) else { throw error("bad number") }
            while isDigit(peek()) { position += 1 }
        }
        return start..<position
    }

    @inline(__always)
    private func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    /// Reads an integer that fits in Int64 exactly; fractions, exponents and overflow are rejected.
    mutating func readInt64(member: StaticString) throws(TelegramAuthError) -> Int64 {
        let range = try skipNumber()
        var p = base + range.lowerBound
        var n = range.count
        var negative = false
        if p[0] == UInt8(ascii: "-") {
            negative = true
            p += 1
            n -= 1
        }
        guard var magnitude = Bytes.parseUnsignedDecimal(p, n) else {
            // -2^63 is the one value whose magnitude does not fit
            if negative && n == 19 && Bytes.equal(p, n, "9223372036854775808") { return .min }
            throw TelegramAuthError.malformed(
                "\(context).\(member) must be an integer within 64 bits", field: "\(context).\(member)")
        }
        if negative { magnitude = -magnitude }
        return magnitude
    }

    mutating func readBool() throws(TelegramAuthError) -> Bool {
        if position + 4 <= end, Bytes.equal(base + position, 4, "true") {
            position += 4
            return true
        }
        if position + 5 <= end, Bytes.equal(base + position, 5, "false") {
            position += 5
            return false
        }
        throw error("expected true or false")
    }

    /// Consumes `null` if it is next.
    mutating func skipNull() -> Bool {
        if position + 4 <= end, Bytes.equal(base + position, 4, "null") {
            position += 4
            return true
        }
        return false
    }

    /// Skips any JSON value, nesting at most ``maxDepth`` deep.
    mutating func skipValue(depth: Int = 0) throws(TelegramAuthError) {
        guard depth < JSONReader.maxDepth else { throw error("nesting deeper than \(JSONReader.maxDepth) levels") }
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "\""):
            try skipString()
        case UInt8(ascii: "{"):
            position += 1
            skipWhitespace()
            if peek() == UInt8(ascii: "}") {
                position += 1
                return
            }
            while true {
                skipWhitespace()
                try skipString()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                try skipValue(depth: depth + 1)
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "}"))
                return
            }
        case UInt8(ascii: "["):
            position += 1
            skipWhitespace()
            if peek() == UInt8(ascii: "]") {
                position += 1
                return
            }
            while true {
                try skipValue(depth: depth + 1)
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "]"))
                return
            }
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            _ = try readBool()
        case UInt8(ascii: "n"):
            guard skipNull() else { throw error("bad literal") }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try skipNumber()
        default:
            throw error(atEnd ? "unexpected end of JSON" : "unexpected character")
        }
    }

    /// Reads a member name. A name without escapes is returned in place (no copy); one with escapes is
    /// decoded into the parser's region like any string.
    @inline(__always)
    mutating func readKey(into parser: inout FieldParser) throws(TelegramAuthError) -> (UnsafePointer<UInt8>, Int) {
        try expect(UInt8(ascii: "\""))
        let start = position
        var p = start
        // a backslash or control character before the closing quote means the decoding path
        while p < end {
            let c = base[p]
            if c == UInt8(ascii: "\"") {
                position = p &+ 1
                return (base + start, p &- start)
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { break }
            p &+= 1
        }
        position = start &- 1
        let slice = try readString(into: &parser)
        return (UnsafePointer(parser.bytes + Int(slice.start)), Int(slice.count))
    }

    /// Iterates the members of an object; `body` must consume each value.
    mutating func forEachMember(
        in parser: inout FieldParser,
        _ body: (inout JSONReader, inout FieldParser, UnsafePointer<UInt8>, Int) throws(TelegramAuthError) -> Void
    ) throws(TelegramAuthError) {
        skipWhitespace()
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            return
        }
        // every member name so far, decoded (an escaped name is written to the parser's region and kept): the
        // first 16 on the stack, which holds every object Telegram sends, any more in an array
        try withUnsafeTemporaryAllocation(of: (UnsafePointer<UInt8>, Int).self, capacity: 16) { (first) throws(TelegramAuthError) in
            var count = 0
            var more: [(UnsafePointer<UInt8>, Int)] = []
            while true {
                skipWhitespace()
                let keyStart = position
                let (key, keyCount) = try readKey(into: &parser)
                for i in 0..<min(count, first.count) where first[i].1 == keyCount && Bytes.memcmpEqual(first[i].0, key, keyCount) {
                    position = keyStart
                    throw duplicate(key, keyCount)
                }
                for (p, n) in more where n == keyCount && Bytes.memcmpEqual(p, key, n) {
                    position = keyStart
                    throw duplicate(key, keyCount)
                }
                if count < first.count { first[count] = (key, keyCount) } else { more.append((key, keyCount)) }
                count += 1
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                try body(&self, &parser, key, keyCount)
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "}"))
                return
            }
        }
    }

    private func duplicate(_ key: UnsafePointer<UInt8>, _ count: Int) -> TelegramAuthError {
        error("duplicate member '\(String(decoding: UnsafeBufferPointer(start: key, count: count), as: UTF8.self))'")
    }
}
