#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A secret kept in a file (a bot token, a cookie secret, a client secret, a Redis password): the one reader
/// the CLI and tgauth-serve share. Secrets come from files, never from a command line, which `ps` shows.
public enum SecretFile {
    /// The file's bytes, at most 64 KiB, without a trailing newline when `trimNewline` (text secrets).
    /// - Throws: `invalid_argument` naming the file (never its contents) when it cannot be read or is too large.
    public static func read(_ path: String, trimNewline: Bool = true) throws(TelegramAuthError) -> [UInt8] {
        var bytes = try contents(path, limit: 64 * 1024, what: "a secret")
        if trimNewline { while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() } }
        return bytes
    }

    /// A whole file, at most `limit` bytes (`what` names it in the message when it is larger).
    /// - Throws: `invalid_argument` naming the file when it cannot be read or is larger than `limit`.
    public static func contents(_ path: String, limit: Int, what: String = "a file") throws(TelegramAuthError) -> [UInt8] {
        guard let file = fopen(path, "rb") else { throw .invalidArgument("cannot read \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            guard bytes.count <= limit else { throw .invalidArgument("\(path) is larger than \(what) can be (\(limit / 1024) KiB)") }
        }
        guard ferror(file) == 0 else { throw .invalidArgument("cannot read \(path)") }
        return bytes
    }
}
