import COpenSSL

/// SHA-256 of bytes (OpenSSL).
package enum SHA256Digest {
    package static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        return [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
            input.withUnsafeBufferPointer { tg_sha256($0.baseAddress, $0.count, buffer.baseAddress) }
            count = 32
        }
    }
}
