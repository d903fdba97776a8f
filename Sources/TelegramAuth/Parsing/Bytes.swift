#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level helpers shared by the parsers.
package enum Bytes {
    /// A byte of the base64url alphabet `A-Za-z0-9_-`: bot token secrets, login tokens, webhook secrets.
    @inline(__always)
    package static func isBase64URL(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == 0x2D || b == 0x5F
    }

    /// Index of the first `byte` in `p[from..<to]` (glibc's vectorised memchr).
    @inline(__always)
    static func find(_ byte: UInt8, _ p: UnsafePointer<UInt8>, from: Int, to: Int) -> Int? {
        guard from < to, let hit = memchr(p + from, Int32(byte), to - from) else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(p)
    }

    @inline(__always)
    package static func equal(_ p: UnsafePointer<UInt8>, _ count: Int, _ literal: StaticString) -> Bool {
        count == literal.utf8CodeUnitCount && memcmpEqual(p, literal.utf8Start, count)
    }

    /// Whether `a[0..<n]` equals `b[0..<n]`.
    @inline(__always)
    static func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool { memcmp(a, b, n) == 0 }

    /// Lexicographic byte order, shorter first on a common prefix (the order Telegram sorts keys in).
    @inline(__always)
    static func less(_ a: UnsafePointer<UInt8>, _ an: Int, _ b: UnsafePointer<UInt8>, _ bn: Int) -> Bool {
        let n = min(an, bn)
        var i = 0
        while i < n {
            if a[i] != b[i] { return a[i] < b[i] }
            i += 1
        }
        return an < bn
    }

    /// Parses a non-negative decimal integer with no sign, no leading zeros beyond "0" itself, and no overflow.
    static func parseUnsignedDecimal(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int64? {
        guard count > 0, count <= 19 else { return nil }
        if count > 1, p[0] == UInt8(ascii: "0") { return nil }
        var value: Int64 = 0
        if count <= 18 {  // below 10^18 < 2^63: no overflow test needed
            var bad: UInt8 = 0
            for i in 0..<count {
                let d = p[i] &- UInt8(ascii: "0")
                bad |= d < 10 ? 0 : 1
                value = value &* 10 &+ Int64(d)
            }
            return bad == 0 ? value : nil
        }
        for i in 0..<count {
            let d = p[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(d))
            guard !o1, !o2 else { return nil }
            value = s
        }
        return value
    }

    /// Validates UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
    static func isValidUTF8(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var i = 0
        // ASCII fast path, eight bytes at a time
        while i + 8 <= count {
            let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            if word & 0x8080_8080_8080_8080 != 0 { break }
            i += 8
        }
        while i < count {
            let b0 = p[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            let need: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; upper = 0x9F
            case 0xF0: need = 3; lower = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; upper = 0x8F
            default: return false
            }
            guard i + need < count else { return false }
            let b1 = p[i + 1]
            guard b1 >= lower, b1 <= upper else { return false }
            var k = 2
            while k <= need {
                guard p[i + k] & 0xC0 == 0x80 else { return false }
                k += 1
            }
            i += need + 1
        }
        return true
    }
}
