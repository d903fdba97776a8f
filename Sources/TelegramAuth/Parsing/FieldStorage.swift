#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte range inside a ``FieldStorage`` region. `start == .max` marks an absent value.
package struct Slice32: Sendable, Hashable {
    @usableFromInline package var start: UInt32
    @usableFromInline package var count: UInt32

    @inlinable
    package init(start: UInt32, count: UInt32) {
        self.start = start
        self.count = count
    }

    package static let absent = Slice32(start: .max, count: 0)
    package var isPresent: Bool { start != .max }
}

/// One received `key=value` field, both sides decoded and NUL-terminated in the storage region.
package struct FieldEntry {
    package var key: Slice32
    package var value: Slice32
}

/// Everything a verification learned, in fixed-size form; strings are slices of the byte region.
package struct StorageHeader {
    package var bytes: UnsafeMutablePointer<UInt8>
    var byteCapacity: Int
    package var table: UnsafeMutablePointer<FieldEntry>
    var tableCapacity: Int
    package var fieldCount = 0
    var used = 0

    /// The members of the result (``Schema``'s `InitData` or `WidgetUser`), and its nested objects.
    /// The JSON a result was read from, when it was (an id_token's claims), in the byte region.
    package var source = Slice32.absent
    package var top = ObjectRecord()
    package var objects = InlineArray<3, ObjectRecord>(repeating: ObjectRecord())
    package var extraCount = 0
}

extension StorageHeader {
    /// The nested object in `objects[slot]` of the header at `header`, in place.
    @inlinable
    package static func object(_ header: UnsafeMutablePointer<StorageHeader>, _ slot: Int) -> UnsafeMutablePointer<ObjectRecord> {
        (UnsafeMutableRawPointer(header) + MemoryLayout<StorageHeader>.offset(of: \.objects)!
            + slot * MemoryLayout<ObjectRecord>.stride).assumingMemoryBound(to: ObjectRecord.self)
    }
}

/// The single heap object behind a verified result: a header plus a tail holding the field table
/// (sorted by key) followed by the decoded bytes. Immutable once verification returns it.
package final class FieldStorage: ManagedBuffer<StorageHeader, UInt64> {
    /// Allocates room for `fields` table entries and `byteCount` bytes.
    static func make(fields: Int, byteCount: Int) -> FieldStorage {
        let tableBytes = fields * MemoryLayout<FieldEntry>.stride
        let words = (tableBytes + byteCount + 7) / 8 + 1
        let object = FieldStorage.create(minimumCapacity: words) { _ in
            StorageHeader(
                bytes: UnsafeMutablePointer(bitPattern: 8)!, byteCapacity: 0,
                table: UnsafeMutablePointer(bitPattern: 16)!, tableCapacity: 0)
        }
        let storage = unsafeDowncast(object, to: FieldStorage.self)
        storage.withUnsafeMutablePointers { header, words in
            let raw = UnsafeMutableRawPointer(words)
            header.pointee.table = raw.bindMemory(to: FieldEntry.self, capacity: fields)
            header.pointee.tableCapacity = fields
            header.pointee.bytes = (raw + tableBytes).bindMemory(to: UInt8.self, capacity: byteCount)
            header.pointee.byteCapacity = byteCount
        }
        return storage
    }

    @inline(__always)
    package var headerPointer: UnsafeMutablePointer<StorageHeader> {
        withUnsafeMutablePointerToHeader { $0 }
    }

    package func string(_ slice: Slice32) -> String? {
        guard slice.isPresent else { return nil }
        return withUnsafeMutablePointerToHeader { header in
            String(
                decoding: UnsafeBufferPointer(start: header.pointee.bytes + Int(slice.start), count: Int(slice.count)),
                as: UTF8.self)
        }
    }

    func bytes(_ slice: Slice32) -> UnsafeBufferPointer<UInt8> {
        withUnsafeMutablePointerToHeader { header in
            UnsafeBufferPointer(start: header.pointee.bytes + Int(slice.start), count: Int(slice.count))
        }
    }
}
