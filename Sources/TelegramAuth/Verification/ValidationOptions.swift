#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Limits applied to every verification: the time window and the input size.
public struct ValidationOptions: Sendable, Hashable {
    /// The default maximum age of `auth_date`, one day.
    public static let defaultMaxAge: Int64 = 86_400
    /// The default tolerance for an `auth_date` ahead of the local clock.
    public static let defaultFutureSkew: Int64 = 60
    /// The default input size limit, 16 KiB.
    public static let defaultMaxInputBytes = 16_384

    /// Maximum age of `auth_date` in seconds; `nil` turns the age check off.
    public var maxAge: Int64?
    /// How far `auth_date` may lie ahead of `now` before it is rejected as `future_auth_date`.
    public var futureSkew: Int64
    /// The current Unix time to check against; `nil` reads the system clock.
    public var now: Int64?
    /// Inputs longer than this are rejected as `too_large` before any parsing.
    public var maxInputBytes: Int

    /// - Parameters:
    ///   - maxAge: maximum age in seconds, or `nil` for no age check.
    ///   - futureSkew: allowed clock skew in seconds.
    ///   - now: Unix time to use instead of the system clock (for tests).
    ///   - maxInputBytes: input size limit in bytes.
    public init(
        maxAge: Int64? = ValidationOptions.defaultMaxAge,
        futureSkew: Int64 = ValidationOptions.defaultFutureSkew,
        now: Int64? = nil,
        maxInputBytes: Int = ValidationOptions.defaultMaxInputBytes
    ) {
        self.maxAge = maxAge
        self.futureSkew = futureSkew
        self.now = now
        self.maxInputBytes = maxInputBytes
    }

    /// The defaults: one day, 60 s of skew, the system clock, 16 KiB.
    public static let `default` = ValidationOptions()

    func checkArguments() throws(TelegramAuthError) {
        if let maxAge, maxAge < 0 { throw .invalidArgument("max age must not be negative") }
        if futureSkew < 0 { throw .invalidArgument("future skew must not be negative") }
        if maxInputBytes <= 0 { throw .invalidArgument("input size limit must be positive") }
    }

    func checkSize(_ count: Int) throws(TelegramAuthError) {
        if count > maxInputBytes {
            throw TelegramAuthError(.tooLarge, "input is \(count) bytes; the limit is \(maxInputBytes)")
        }
    }

    /// Checks `authDate` against the window around now. The arithmetic is done in 128 bits, so no
    /// combination of a caller's now, skew and age and the data's `auth_date` can overflow.
    func checkTime(authDate: Int64) throws(TelegramAuthError) {
        let current = Int128(now ?? SystemClock.unixTime())
        let ahead = Int128(authDate) - current
        if ahead > Int128(futureSkew) {
            throw TelegramAuthError(
                .futureAuthDate, field: "auth_date",
                "auth_date is \(ahead) s ahead of now; at most \(futureSkew) s of skew is allowed")
        }
        if let maxAge, maxAge > 0, -ahead > Int128(maxAge) {
            throw TelegramAuthError(.expired, field: "auth_date", "auth_date is \(-ahead) s old; the limit is \(maxAge) s")
        }
    }
}
