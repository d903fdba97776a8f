/// The library version. The C suite holds it to TGAUTH_VERSION_* in include/tgauth_verify.h (the Makefile
/// reads it there), and the Python suite holds the package's to the library's.
public enum TelegramAuthVersion {
    public static let major = 0
    public static let minor = 2
    public static let patch = 0
    /// `major * 10000 + minor * 100 + patch`.
    public static let number = major * 10000 + minor * 100 + patch
    public static let string = "\(major).\(minor).\(patch)"
}
