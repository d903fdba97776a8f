/// base64url (RFC 4648 §5), as Telegram uses for `signature`.
package enum Base64URL {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Encodes without padding.
    package static func encode(_ bytes: some Collection<UInt8>) -> String {
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

extension Base64URL {
    /// Strictly decodes base64url without padding (as JOSE writes it): the canonical text of its bytes, or nil.
    package static func decodeUnpadded(_ text: some Collection<UInt8>) -> [UInt8]? {
        let input = Array(text)
        guard !input.contains(UInt8(ascii: "=")) else { return nil }
        var out = [UInt8](repeating: 0, count: input.count * 3 / 4 + 3)
        let written = input.withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { decode(src, into: $0) } }
        guard let written else { return nil }
        out.removeLast(out.count - written)
        return out
    }
}
