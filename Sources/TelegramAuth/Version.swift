/// The library version; kept equal to TGAUTH_VERSION_* in include/tgauth.h.
public enum TelegramAuthVersion {
    public static let major = 0
    public static let minor = 1
    public static let patch = 0
    /// `major * 10000 + minor * 100 + patch`.
    public static let number = major * 10000 + minor * 100 + patch
    public static let string = "\(major).\(minor).\(patch)"
}
