/// Percent-encoding of everything but RFC 3986's unreserved characters.
public enum PercentEncoding {
    public static func encode(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(c)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(Hex.uppercaseDigits[Int(c >> 4)])
                out.append(Hex.uppercaseDigits[Int(c & 15)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Hex {
    static let uppercaseDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
}
