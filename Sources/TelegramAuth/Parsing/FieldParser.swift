import CQueryKernel

/// The query kernel chosen when the library loaded (a table of C function pointers, never written).
nonisolated(unsafe) let queryKernel: tg_query_kernel = tg_query_kernel_chosen().pointee
/// The kernel every CPU runs (the first of the table), for the fuzz target to hold to the exact parser too.
nonisolated(unsafe) let genericQueryKernel: tg_query_kernel = tg_query_kernel_at(0)!.pointee

/// Fills a ``FieldStorage`` with the received fields, sorted by key, and writes data-check-strings.
///
/// Works on raw pointers into the storage; every write stays within the capacity computed by the
/// `make…` functions, which bound the decoded size by the encoded size.
struct FieldParser {
    let storage: FieldStorage
    let bytes: UnsafeMutablePointer<UInt8>
    let byteCapacity: Int
    let table: UnsafeMutablePointer<FieldEntry>
    let tableCapacity: Int
    var count = 0
    var cursor = 0

    init(storage: FieldStorage) {
        self.storage = storage
        let header = storage.headerPointer
        bytes = header.pointee.bytes
        byteCapacity = header.pointee.byteCapacity
        table = header.pointee.table
        tableCapacity = header.pointee.tableCapacity
    }

    /// Saves the field count and the write cursor into the storage header.
    func commit() {
        let header = storage.headerPointer
        header.pointee.fieldCount = count
        header.pointee.used = cursor
    }

    // MARK: Query strings

    /// A storage big enough for `input` parsed as a query string.
    static func storage(forQuery input: UnsafeBufferPointer<UInt8>, extraBytes: Int = 0) -> FieldStorage {
        let separators = 1 &+ (input.baseAddress.map { queryKernel.count_byte($0, input.count, UInt8(ascii: "&")) } ?? 0)
        return FieldStorage.make(fields: separators, byteCount: 2 * (input.count + separators + 1) + 64 + extraBytes)
    }

    /// Parses `key=value&key=value…` strictly: no empty field, no field without `=`, no empty key, valid
    /// percent-escapes (`+` is a space), no NUL byte or line break, valid UTF-8 after decoding. Plain valid
    /// input takes the query kernel (where the CPU has a vector one); anything it declines is decided by the
    /// exact parser.
    mutating func parseQuery(_ input: UnsafeBufferPointer<UInt8>) throws(TelegramAuthError) {
        let n = input.count
        guard n > 0, let src = input.baseAddress else { throw .malformed("empty input") }
        let (fields, mark) = (count, cursor)
        if parseQueryVector(src, n) { return }
        (count, cursor) = (fields, mark)
        try parseQueryExact(src, n)
    }

    /// A query kernel (`tg_query_kernel.decode_query`; the one chosen at load unless a test names another):
    /// escapes decoded and squeezed out in place, many bytes per step. It declines anything but a plain valid
    /// query, and leaves UTF-8 to be checked here.
    mutating func parseQueryVector(
        _ src: UnsafePointer<UInt8>, _ n: Int, kernel: tg_query_kernel = queryKernel
    ) -> Bool {
        var end = 0
        var nonASCII: Int32 = 0
        let found = UnsafeMutableRawPointer(table + count).withMemoryRebound(to: tg_query_field.self, capacity: tableCapacity &- count) {
            kernel.decode_query(src, n, bytes, cursor, byteCapacity, $0, tableCapacity &- count, &end, &nonASCII)
        }
        guard found > 0 else { return false }
        if nonASCII != 0 && !Bytes.isValidUTF8(bytes + cursor, end &- 1 &- cursor) { return false }
        count &+= found
        cursor = end
        return true
    }

    /// The exact parser: field by field, checking as it goes, so that it can name the first problem.
    @inline(never)
    mutating func parseQueryExact(_ src: UnsafePointer<UInt8>, _ n: Int) throws(TelegramAuthError) {
        var i = 0
        while true {
            let start = i
            if start == n || src[start] == UInt8(ascii: "&") {
                throw .malformed("empty field at byte \(start) (a stray '&')")
            }
            if src[start] == UInt8(ascii: "=") {
                throw .malformed("empty key at byte \(start)")
            }
            let (key, eq) = try decodePercent(src, from: start, to: n, stops: UInt8(ascii: "="), UInt8(ascii: "&"), what: nil)
            guard eq < n, src[eq] == UInt8(ascii: "=") else {
                throw .malformed("field at byte \(start) has no '='")
            }
            let (value, j) = try decodePercent(
                src, from: eq &+ 1, to: n, stops: UInt8(ascii: "&"), UInt8(ascii: "&"), what: key)
            table[count] = FieldEntry(key: key, value: value)
            count &+= 1
            if j == n { break }
            i = j &+ 1
        }
    }

    /// Percent-decodes `src[from…]` up to the first `stop1` or `stop2` byte (or `to`) into the region,
    /// NUL-terminated, checking as it goes. - Returns: the decoded slice and the index of the stop byte (or `to`).
    private mutating func decodePercent(
        _ src: UnsafePointer<UInt8>, from: Int, to: Int, stops stop1: UInt8, _ stop2: UInt8, what key: Slice32?
    ) throws(TelegramAuthError) -> (Slice32, Int) {
        let out = bytes + cursor
        var o = 0
        var k = from
        var rawHigh: UInt8 = 0
        var decodedHigh: UInt8 = 0
        scan: while true {
            // the plain bytes up to the next one that needs a look
            while k < to {
                let c = src[k]
                if c == UInt8(ascii: "%") || c == UInt8(ascii: "+") || c == 0 || c == 0x0A || c == stop1 || c == stop2 { break }
                rawHigh |= c
                out[o] = c
                k &+= 1
                o &+= 1
            }
            guard k < to else { break scan }
            var c = src[k]
            if c == stop1 || c == stop2 { break scan }
            if c == UInt8(ascii: "%") {
                // escapes often come in runs (`%22%3A%22`): take them all before the next word scan
                repeat {
                    guard k &+ 2 < to else {
                        throw .malformed("truncated percent-escape at byte \(k)\(fieldSuffix(key))", field: fieldName(key))
                    }
                    let hi = Hex.nibble(src[k &+ 1])
                    let lo = Hex.nibble(src[k &+ 2])
                    guard hi | lo < 16 else {
                        let a = src[k &+ 1], b = src[k &+ 2]
                        if a == stop1 || a == stop2 || b == stop1 || b == stop2 {
                            throw .malformed("truncated percent-escape at byte \(k)\(fieldSuffix(key))", field: fieldName(key))
                        }
                        throw .malformed("bad percent-escape at byte \(k)\(fieldSuffix(key))", field: fieldName(key))
                    }
                    c = hi &<< 4 | lo
                    guard c != 0 else {
                        throw .malformed("NUL byte at byte \(k)\(fieldSuffix(key))", field: fieldName(key))
                    }
                    guard c != 0x0A else { throw lineBreak(at: k, key) }
                    guard c != UInt8(ascii: "=") || key != nil else {
                        throw .malformed("'=' (%3D) in the key at byte \(k): it would make the data-check-string ambiguous")
                    }
                    decodedHigh |= c
                    out[o] = c
                    k &+= 3
                    o &+= 1
                } while k < to && src[k] == UInt8(ascii: "%")
            } else if c == UInt8(ascii: "+") {
                out[o] = 0x20
                k &+= 1
                o &+= 1
            } else if c == 0x0A {
                throw lineBreak(at: k, key)
            } else {
                throw .malformed("NUL byte at byte \(k)\(fieldSuffix(key))", field: fieldName(key))
            }
        }
        out[o] = 0
        if (rawHigh | decodedHigh) & 0x80 != 0 && !Bytes.isValidUTF8(out, o) {
            throw .malformed("invalid UTF-8\(fieldSuffix(key))", field: fieldName(key))
        }
        let slice = Slice32(start: UInt32(cursor), count: UInt32(o))
        cursor &+= o &+ 1
        return (slice, k)
    }

    /// The data-check-string joins `key=value` lines with line breaks, so a line break inside a key or
    /// value could move text from one field into another without changing the signed bytes. Telegram
    /// never sends one (JSON values escape it as `\n`); it is refused wherever it appears.
    private func lineBreak(at k: Int, _ key: Slice32?) -> TelegramAuthError {
        .malformed("line break at byte \(k)\(fieldSuffix(key)): it would make the data-check-string ambiguous", field: fieldName(key))
    }

    /// The same rule for fields that did not come through the query parser: no line break in a key or
    /// value, no '=' in a key.
    func checkSeparators() throws(TelegramAuthError) {
        for i in 0..<count {
            let key = storage.bytes(table[i].key)
            if key.contains(0x0A) || key.contains(UInt8(ascii: "=")) {
                throw .malformed("a key contains a line break or '=': it would make the data-check-string ambiguous")
            }
            if storage.bytes(table[i].value).contains(0x0A) {
                throw .malformed("line break in '\(keyString(i))': it would make the data-check-string ambiguous", field: keyString(i))
            }
        }
    }

    private func fieldName(_ key: Slice32?) -> String? {
        guard let key else { return nil }
        return storage.string(key)
    }

    private func fieldSuffix(_ key: Slice32?) -> String {
        guard let name = fieldName(key) else { return " in a key" }
        return " in field '\(name)'"
    }

    // MARK: Pairs given by the caller

    static func storage(forPairs pairs: [(key: [UInt8], value: [UInt8])]) -> FieldStorage {
        var total = 0
        for p in pairs { total += p.key.count + p.value.count + 4 }
        return FieldStorage.make(fields: max(pairs.count, 1), byteCount: 2 * total + 64)
    }

    /// Copies caller-given pairs, checking the same rules as the query parser (no empty key, no NUL, UTF-8).
    mutating func addPairs(_ pairs: [(key: [UInt8], value: [UInt8])]) throws(TelegramAuthError) {
        guard !pairs.isEmpty else { throw .malformed("empty input") }
        for pair in pairs {
            guard !pair.key.isEmpty else { throw .malformed("empty key") }
            let key = try copyChecked(pair.key, field: nil)
            let value = try copyChecked(pair.value, field: key)
            table[count] = FieldEntry(key: key, value: value)
            count += 1
        }
        try checkSeparators()
    }

    private mutating func copyChecked(_ source: [UInt8], field: Slice32?) throws(TelegramAuthError) -> Slice32 {
        let out = bytes + cursor
        for (i, c) in source.enumerated() {
            if c == 0 { throw .malformed("NUL byte\(fieldSuffix(field))", field: fieldName(field)) }
            out[i] = c
        }
        out[source.count] = 0
        guard Bytes.isValidUTF8(out, source.count) else {
            throw .malformed("invalid UTF-8\(fieldSuffix(field))", field: fieldName(field))
        }
        let slice = Slice32(start: UInt32(cursor), count: UInt32(source.count))
        cursor += source.count + 1
        return slice
    }

    // MARK: NUL-separated pairs (`key\0value\0key\0value`), the form language bindings pass a mapping in

    static func storage(forNULPairs input: UnsafeBufferPointer<UInt8>, count: Int) -> FieldStorage {
        FieldStorage.make(fields: max(count, 1), byteCount: 2 * (input.count + 2 * count + 1) + 64)
    }

    /// Reads exactly `count` pairs; a NUL inside a key or value shows up as a wrong number of parts.
    mutating func parseNULPairs(_ input: UnsafeBufferPointer<UInt8>, count pairCount: Int) throws(TelegramAuthError) {
        guard pairCount > 0, let src = input.baseAddress else { throw .malformed("empty input") }
        let n = input.count
        var i = 0
        for _ in 0..<pairCount {
            guard i <= n else { throw .malformed("a key or value contains a NUL byte") }
            let keyEnd = Bytes.find(0, src, from: i, to: n) ?? n
            guard keyEnd < n else { throw .malformed("a key or value contains a NUL byte") }
            guard keyEnd > i else { throw .malformed("empty key") }
            let key = copyValidated(src + i, keyEnd - i)
            let valueStart = keyEnd + 1
            let valueEnd = Bytes.find(0, src, from: valueStart, to: n) ?? n
            let value = copyValidated(src + valueStart, valueEnd - valueStart)
            guard let key, let value else {
                throw .malformed("invalid UTF-8\(fieldSuffix(key))", field: fieldName(key))
            }
            table[count] = FieldEntry(key: key, value: value)
            count += 1
            i = valueEnd + 1
        }
        guard i == n + 1 else { throw .malformed("a key or value contains a NUL byte") }
        try checkSeparators()
    }

    private mutating func copyValidated(_ p: UnsafePointer<UInt8>, _ n: Int) -> Slice32? {
        guard Bytes.isValidUTF8(p, n) else { return nil }
        return copyRaw(p, n)
    }

    // MARK: A flat JSON object (the Login Widget's JavaScript callback)

    static func storage(forJSON input: UnsafeBufferPointer<UInt8>) -> FieldStorage {
        var colons = 1
        for c in input where c == UInt8(ascii: ":") { colons += 1 }
        return FieldStorage.make(fields: colons, byteCount: 2 * (input.count + colons + 1) + 64)
    }

    /// Reads a top-level JSON object whose members are strings, numbers or booleans. A number or boolean
    /// takes part in the check exactly as written, which is how the widget's JavaScript stringifies it.
    mutating func parseFlatJSON(_ input: UnsafeBufferPointer<UInt8>) throws(TelegramAuthError) {
        guard let base = input.baseAddress, input.count > 0 else { throw .malformed("empty input") }
        guard Bytes.isValidUTF8(base, input.count) else { throw .malformed("invalid UTF-8 in JSON") }
        var reader = JSONReader(base, input.count, context: "JSON")
        reader.skipWhitespace()
        try reader.expect(UInt8(ascii: "{"))
        reader.skipWhitespace()
        if reader.peek() == UInt8(ascii: "}") {
            throw .malformed("empty JSON object")
        }
        while true {
            reader.skipWhitespace()
            let key = try reader.readString(into: &self)
            guard key.count > 0 else { throw .malformed("empty key in JSON at byte \(reader.position)") }
            reader.skipWhitespace()
            try reader.expect(UInt8(ascii: ":"))
            reader.skipWhitespace()
            let value: Slice32
            switch reader.peek() {
            case UInt8(ascii: "\""):
                value = try reader.readString(into: &self)
            case UInt8(ascii: "t"), UInt8(ascii: "f"):
                let start = reader.position
                _ = try reader.readBool()
                value = copyRaw(base + start, reader.position - start)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let range = try reader.skipNumber()
                value = copyRaw(base + range.lowerBound, range.count)
            default:
                let name = storage.string(key) ?? ""
                throw .malformed(
                    "JSON member '\(name)' must be a string, number or boolean (byte \(reader.position))", field: name)
            }
            table[count] = FieldEntry(key: key, value: value)
            count += 1
            reader.skipWhitespace()
            if reader.peek() == UInt8(ascii: ",") {
                reader.advance()
                continue
            }
            try reader.expect(UInt8(ascii: "}"))
            break
        }
        reader.skipWhitespace()
        guard reader.atEnd else { throw .malformed("trailing data after JSON at byte \(reader.position)") }
        try checkSeparators()
    }

    mutating func copyRaw(_ p: UnsafePointer<UInt8>, _ n: Int) -> Slice32 {
        (bytes + cursor).update(from: p, count: n)
        bytes[cursor + n] = 0
        let slice = Slice32(start: UInt32(cursor), count: UInt32(n))
        cursor += n + 1
        return slice
    }

    // MARK: Order and the data-check-string

    /// Sorts the table by key and rejects duplicate keys.
    mutating func sortAndCheckDuplicates() throws(TelegramAuthError) {
        let b = UnsafePointer(bytes)
        @inline(__always) func less(_ x: FieldEntry, _ y: FieldEntry) -> Bool {
            Bytes.less(b + Int(x.key.start), Int(x.key.count), b + Int(y.key.start), Int(y.key.count))
        }
        var entries = UnsafeMutableBufferPointer(start: table, count: count)
        entries.sort(by: less)
        var i = 1
        while i < count {
            let a = table[i - 1].key
            let c = table[i].key
            if a.count == c.count && Bytes.memcmpEqual(b + Int(a.start), b + Int(c.start), Int(a.count)) {
                let name = storage.string(a) ?? ""
                throw .malformed("duplicate key '\(name)'", field: name)
            }
            i += 1
        }
    }

    /// Index of the field named `name` in the sorted table, if present.
    func find(_ name: StaticString) -> Int? {
        for i in 0..<count {
            let key = table[i].key
            if Bytes.equal(bytes + Int(key.start), Int(key.count), name) { return i }
        }
        return nil
    }

    /// Writes `prefix` and then the sorted `key=value` lines joined by `\n`, skipping the excluded keys.
    /// - Returns: the range of the written data-check-string.
    mutating func writeDataCheckString(
        prefix: UnsafeRawBufferPointer? = nil, excluding first: Int?, _ second: Int? = nil
    ) -> UnsafeRawBufferPointer {
        let start = cursor
        var o = cursor
        if let prefix, prefix.count > 0 {
            (bytes + o).update(from: prefix.baseAddress!.assumingMemoryBound(to: UInt8.self), count: prefix.count)
            o += prefix.count
        }
        var firstLine = true
        for i in 0..<count where i != first && i != second {
            if !firstLine {
                bytes[o] = UInt8(ascii: "\n")
                o += 1
            }
            firstLine = false
            let e = table[i]
            (bytes + o).update(from: bytes + Int(e.key.start), count: Int(e.key.count))
            o += Int(e.key.count)
            bytes[o] = UInt8(ascii: "=")
            o += 1
            (bytes + o).update(from: bytes + Int(e.value.start), count: Int(e.value.count))
            o += Int(e.value.count)
        }
        return UnsafeRawBufferPointer(start: bytes + start, count: o - start)
    }

    // MARK: Typed access

    func value(_ index: Int) -> Slice32 { table[index].value }

    func valuePointer(_ index: Int) -> (UnsafePointer<UInt8>, Int) {
        let v = table[index].value
        return (UnsafePointer(bytes + Int(v.start)), Int(v.count))
    }

    func keyString(_ index: Int) -> String { storage.string(table[index].key) ?? "" }

    /// Reads a field as a non-negative decimal integer.
    func unsignedInteger(_ index: Int, name: StaticString) throws(TelegramAuthError) -> Int64 {
        let (p, n) = valuePointer(index)
        guard let v = Bytes.parseUnsignedDecimal(p, n) else {
            throw .malformed("'\(name)' must be a non-negative decimal integer below 2^63", field: "\(name)")
        }
        return v
    }

    /// Checks the `hash` field against HMAC-SHA256(key, data-check-string) in constant time. The
    /// data-check-string is written to scratch space that is given back afterwards.
    mutating func checkHMAC(key: HMACKey, hashIndex: Int) throws(TelegramAuthError) {
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { (digests) throws(TelegramAuthError) in
            let expected = digests.baseAddress!
            try digest(hashIndex, into: expected)
            let mark = cursor
            let message = writeDataCheckString(excluding: hashIndex)
            key.authenticate(message, into: expected + 32)
            cursor = mark
            guard constantTimeEquals(expected, expected + 32, count: 32) else {
                throw TelegramAuthError(.badHash, field: "hash", "hash does not match the data and bot token")
            }
        }
    }

    /// Checks that a field is 64 lowercase hex digits and decodes it.
    func digest(_ index: Int, into out: UnsafeMutablePointer<UInt8>) throws(TelegramAuthError) {
        let (p, n) = valuePointer(index)
        guard Hex.decodeDigest(UnsafeBufferPointer(start: p, count: n), into: out) else {
            throw .malformed("'hash' must be 64 lowercase hexadecimal digits", field: "hash")
        }
    }
}
