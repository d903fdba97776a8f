#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The system's wall clock: the default `now` of every check, and the default clock of the deep-link login.
public enum SystemClock {
    /// Unix time in seconds (`time()`: on Linux a read of the kernel's seconds, without the nanoseconds).
    public static func unixTime() -> Int64 { Int64(time(nil)) }

    /// Unix time in milliseconds.
    public static func milliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
