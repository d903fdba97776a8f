/// The library's one JSON writer: compact text, exact integers, strings escaped the same way everywhere.
/// Results build objects member by member; ``JSONValue`` trees go through ``append(_:to:)``.
struct JSONWriter {
    private(set) var text = "{"
    private var first = true

    private mutating func key(_ name: String) {
        if !first { text += "," }
        first = false
        JSONWriter.appendString(name, to: &text)
        text += ":"
    }

    mutating func string(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        JSONWriter.appendString(value, to: &text)
    }

    mutating func integer(_ name: String, _ value: Int64?) {
        guard let value else { return }
        key(name)
        text += String(value)
    }

    mutating func bool(_ name: String, _ value: Bool?) {
        guard let value else { return }
        key(name)
        text += value ? "true" : "false"
    }

    mutating func raw(_ name: String, _ json: String?) {
        guard let json else { return }
        key(name)
        text += json
    }

    func finished() -> String { text + "}" }

    /// Appends the members `inner` wrote, as members of this object.
    mutating func rawMembers(_ inner: JSONWriter) {
        guard !inner.first else { return }
        if !first { text += "," }
        first = false
        text += inner.text.dropFirst()
    }

    static func appendString(_ s: String, to out: inout String) {
        out += "\""
        defer { out += "\"" }
        let clean = s.utf8.withContiguousStorageIfAvailable { !$0.contains(where: needsEscape) } ?? !s.utf8.contains(where: needsEscape)
        if clean {
            out += s
            return
        }
        // copy runs of bytes that need no escape; the breaks fall on ASCII bytes, so each run is valid UTF-8
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count + 16)
        for b in s.utf8 {
            guard needsEscape(b) else {
                bytes.append(b)
                continue
            }
            bytes.append(UInt8(ascii: "\\"))
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(b)
            case 0x0A: bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "t"))
            default: bytes += [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), Hex.digits[Int(b >> 4)], Hex.digits[Int(b & 15)]]
            }
        }
        out += String(decoding: bytes, as: UTF8.self)
    }

    @inline(__always) static func needsEscape(_ b: UInt8) -> Bool { b < 0x20 || b == 0x22 || b == 0x5C }

    /// Appends `value` as compact JSON text.
    static func append(_ value: JSONValue, to out: inout String) {
        switch value {
        case .object(let members):
            out += "{"
            for (i, (k, v)) in members.enumerated() {
                if i > 0 { out += "," }
                appendString(k, to: &out)
                out += ":"
                append(v, to: &out)
            }
            out += "}"
        case .array(let items):
            out += "["
            for (i, v) in items.enumerated() {
                if i > 0 { out += "," }
                append(v, to: &out)
            }
            out += "]"
        case .string(let s): appendString(s, to: &out)
        case .number(let n): out += n
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }
}
