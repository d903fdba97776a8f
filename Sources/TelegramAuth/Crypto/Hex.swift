/// Hexadecimal encoding, lowercase.
package enum Hex {
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Value of a hex digit (either case); 0xFF for any other byte. Branch-light, no table.
    @inline(__always)
    static func nibble(_ c: UInt8) -> UInt8 {
        let d = c &- UInt8(ascii: "0")
        if d < 10 { return d }
        let l = (c | 0x20) &- UInt8(ascii: "a")
        return l < 6 ? l &+ 10 : 0xFF
    }

    /// Lowercase hex of `bytes`.
    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex in either case; `nil` for an odd length or a non-hex digit.
    package static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        guard text.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 2)
        var high: UInt8? = nil
        for c in text {
            guard let v = value(c) else { return nil }
            if let h = high {
                out.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        return out
    }

    @inline(__always)
    static func value(_ c: UInt8) -> UInt8? {
        let v = nibble(c)
        return v < 16 ? v : nil
    }

    /// The value of the four hex digits (either case) of a JSON `\uXXXX` escape, or nil.
    static func quad(_ d0: UInt8, _ d1: UInt8, _ d2: UInt8, _ d3: UInt8) -> UInt32? {
        let (a, b, c, d) = (nibble(d0), nibble(d1), nibble(d2), nibble(d3))
        guard (a | b | c | d) < 16 else { return nil }
        return UInt32(a) << 12 | UInt32(b) << 8 | UInt32(c) << 4 | UInt32(d)
    }

    /// Decodes exactly 64 lowercase hex digits into 32 bytes; `false` on any other input.
    /// Branch-free per digit: validity is accumulated and tested once.
    static func decodeDigest(_ text: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) -> Bool {
        guard text.count == 64, let p = text.baseAddress else { return false }
        var bad: UInt8 = 0
        @inline(__always) func lower(_ c: UInt8) -> UInt8 {
            let d = c &- UInt8(ascii: "0")
            let l = c &- UInt8(ascii: "a")
            let isDigit: UInt8 = d < 10 ? 1 : 0
            let isLetter: UInt8 = l < 6 ? 1 : 0
            bad |= (isDigit | isLetter) ^ 1
            return isDigit != 0 ? d : l &+ 10
        }
        for i in 0..<32 {
            out[i] = lower(p[2 &* i]) &<< 4 | (lower(p[2 &* i &+ 1]) & 0x0F)
        }
        return bad == 0
    }
}
