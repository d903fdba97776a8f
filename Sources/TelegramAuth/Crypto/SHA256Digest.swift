import COpenSSL

/// SHA-256 of bytes (OpenSSL).
package enum SHA256Digest {
    package static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        if let digest = bytes.withContiguousStorageIfAvailable({ hash($0) }) { return digest }
        return Array(bytes).withUnsafeBufferPointer { hash($0) }
    }

    private static func hash(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
            tg_sha256(input.baseAddress, input.count, buffer.baseAddress)
            count = 32
        }
    }
}
