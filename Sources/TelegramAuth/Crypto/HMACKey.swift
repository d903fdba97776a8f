import COpenSSL

/// An HMAC-SHA256 key whose inner and outer SHA-256 states are computed once.
///
/// A MAC then costs two state copies and the compression of the message, with no allocation and no
/// OpenSSL algorithm fetch. Immutable after creation, so any number of threads may use it at once.
package final class HMACKey: @unchecked Sendable {
    private let schedule: UnsafeMutablePointer<tg_hmac_sha256_key>

    package init(key: [UInt8]) {
        schedule = .allocate(capacity: 1)
        key.withUnsafeBufferPointer { tg_hmac_sha256_key_init(schedule, $0.baseAddress, $0.count) }
    }

    deinit {
        tg_hmac_sha256_key_cleanse(schedule)
        schedule.deallocate()
    }

    /// Writes HMAC-SHA256(key, message) into `out`, which must hold 32 bytes.
    func authenticate(_ message: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) {
        tg_hmac_sha256(schedule, message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count, out)
    }

    /// HMAC-SHA256(key, message) as 32 bytes.
    package func authenticate(_ message: some Sequence<UInt8>) -> [UInt8] {
        let bytes = Array(message)
        return [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
            bytes.withUnsafeBytes { authenticate($0, into: buffer.baseAddress!) }
            count = 32
        }
    }
}
