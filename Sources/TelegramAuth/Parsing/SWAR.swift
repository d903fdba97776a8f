/// Word-at-a-time byte tests (a match may also flag bytes after it, never before; zero means no match).
enum SWAR {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let high: UInt64 = 0x8080_8080_8080_8080

    @inline(__always)
    static func hasZero(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & high }

    @inline(__always)
    static func hasByte(_ v: UInt64, _ b: UInt8) -> UInt64 { hasZero(v ^ (ones &* UInt64(b))) }

    /// Non-zero when some byte is below `n` (n <= 128).
    @inline(__always)
    static func hasLess(_ v: UInt64, _ n: UInt8) -> UInt64 { (v &- ones &* UInt64(n)) & ~v & high }

    /// Copies the plain bytes of `src[k..<end]` to `out[o...]` a word at a time, up to the first byte that
    /// `special` flags in its word (`isSpecial` for the last bytes), or to `end`; advances `k` and `o`, and ORs
    /// the copied bytes into `high` for the non-ASCII test. Words are stored whole: `out` needs eight bytes
    /// of slack, which the storage's capacity provides.
    @inline(__always)
    static func copyPlain(
        _ src: UnsafePointer<UInt8>, _ k: inout Int, _ end: Int, _ out: UnsafeMutablePointer<UInt8>, _ o: inout Int,
        _ high: inout UInt64, special: (UInt64) -> UInt64, isSpecial: (UInt8) -> Bool
    ) {
        while k &+ 8 <= end {
            let word = UnsafeRawPointer(src + k).loadUnaligned(as: UInt64.self)
            let flags = special(word)
            UnsafeMutableRawPointer(out + o).storeBytes(of: word, as: UInt64.self)
            if flags == 0 {
                high |= word
                k &+= 8
                o &+= 8
                continue
            }
            let plain = flags.trailingZeroBitCount &>> 3
            // only the plain bytes before the special one count towards the non-ASCII test
            high |= word & ((1 &<< (UInt64(plain) &<< 3)) &- 1)
            k &+= plain
            o &+= plain
            return
        }
        while k < end {
            let c = src[k]
            if isSpecial(c) { return }
            high |= UInt64(c)
            out[o] = c
            k &+= 1
            o &+= 1
        }
    }
}
