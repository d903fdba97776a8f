/// Hexadecimal encoding, lowercase.
public enum Hex {
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
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex in either case; `nil` for an odd length or a non-hex digit.
    public static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
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

/// base64url (RFC 4648 §5), as Telegram uses for `signature`.
public enum Base64URL {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Encodes without padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((input.count * 4 + 2) / 3)
        var i = 0
        while i + 3 <= input.count {
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int((n >> UInt32(shift)) & 63)]) }
            i += 3
        }
        let rest = input.count - i
        if rest > 0 {
            let n = UInt32(input[i]) << 16 | (rest == 2 ? UInt32(input[i + 1]) << 8 : 0)
            out.append(alphabet[Int((n >> 18) & 63)])
            out.append(alphabet[Int((n >> 12) & 63)])
            if rest == 2 { out.append(alphabet[Int((n >> 6) & 63)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    static func value(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return UInt32(c - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return UInt32(c - UInt8(ascii: "a") + 26)
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c - UInt8(ascii: "0") + 52)
        case UInt8(ascii: "-"): return 62
        case UInt8(ascii: "_"): return 63
        default: return nil
        }
    }

    /// Strictly decodes base64url with optional padding: only the url-safe alphabet, a length that
    /// encodes whole bytes, and zero bits in the unused tail (one canonical text per byte string).
    /// - Returns: the number of bytes written, or `nil` when the text is not canonical base64url or does not fit.
    static func decode(_ text: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        var n = text.count
        if n % 4 == 0, n >= 4 {
            if text[n - 1] == UInt8(ascii: "=") { n -= 1 }
            if text[n - 1] == UInt8(ascii: "=") { n -= 1 }
        }
        if n % 4 == 1 { return nil }
        let produced = n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1)
        // padding is all-or-nothing: a padded text must be a multiple of 4 long
        if n != text.count, text.count != (n + 3) / 4 * 4 { return nil }
        guard produced <= out.count else { return nil }
        var acc: UInt32 = 0
        var bits = 0
        var o = 0
        for i in 0..<n {
            guard let v = value(text[i]) else { return nil }
            acc = acc << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out[o] = UInt8(truncatingIfNeeded: acc >> UInt32(bits))
                o += 1
                acc &= (1 << UInt32(bits)) - 1
            }
        }
        if acc != 0 { return nil }
        return o
    }
}

extension Base64URL {
    /// Decodes unpadded base64url without the canonical-tail rule (for `tgAuthResult`, not for signatures).
    static func decodeLenient(_ text: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        if text.count % 4 == 1 { return nil }
        var acc: UInt32 = 0
        var bits = 0
        var o = 0
        for c in text {
            guard let v = value(c) else { return nil }
            acc = acc << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                guard o < out.count else { return nil }
                out[o] = UInt8(truncatingIfNeeded: acc >> UInt32(bits))
                o += 1
                acc &= (1 << UInt32(bits)) - 1
            }
        }
        return o
    }
}
