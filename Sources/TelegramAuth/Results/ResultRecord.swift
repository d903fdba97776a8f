/// The record form of a verified result (tgauth_record.h): every field in one caller buffer, for language
/// bindings that would otherwise pay one foreign call per field (the C ABI exports it; the Python binding
/// reads it). Like the JSON output, its layout is derived from the schema:
///
/// The record is a sequence of NUL-terminated UTF-8 strings: the shape, then the values, then the unknown
/// fields as key, value, key, value… The shape is the result's record mark (`I`, `W`), then for each member
/// in record order: nothing for a member that must be present; `0`/`1` for an optional int or string; `-`,
/// `0` or `1` for a flag; for a nested object `0`, or its mark and its own shape (a flattened object, the
/// widget's user, gives its shape without a mark). The values are, in the same order, every present int
/// (decimal) and string; a nested object's values come at its place.

package enum ResultRecord {
    /// Writes the record of `data` into `out` when it fits in `capacity` bytes.
    /// - Returns: the record's size in bytes; nothing is written when it exceeds `capacity`.
    package static func write<R: VerifiedResult>(_ data: R, into out: UnsafeMutablePointer<UInt8>?, capacity: Int) -> Int {
        var w = RecordWriter(out: out, capacity: capacity, storage: data.storage)
        return w.result(R.schema)
    }
}

struct RecordWriter {
    let out: UnsafeMutablePointer<UInt8>?
    let capacity: Int
    let storage: FieldStorage
    /// The result's header and byte region, read in place (the storage outlives the writer).
    let header: UnsafeMutablePointer<StorageHeader>
    let region: UnsafePointer<UInt8>
    var count = 0

    init(out: UnsafeMutablePointer<UInt8>?, capacity: Int, storage: FieldStorage) {
        self.out = out
        self.capacity = capacity
        self.storage = storage
        header = storage.headerPointer
        region = UnsafePointer(header.pointee.bytes)
    }

    mutating func byte(_ b: UInt8) {
        if count < capacity, let out { out[count] = b }
        count &+= 1
    }

    mutating func bytes(_ p: UnsafePointer<UInt8>, _ n: Int) {
        if count &+ n <= capacity, let out { (out + count).update(from: p, count: n) }
        count &+= n
    }

    /// A decimal integer and its NUL, its digits made on the stack.
    mutating func integer(_ v: Int64) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var i = 20
            var m = v.magnitude
            repeat {
                i -= 1
                digits[i] = UInt8(truncatingIfNeeded: m % 10) &+ UInt8(ascii: "0")
                m /= 10
            } while m > 0
            if v < 0 {
                i -= 1
                digits[i] = UInt8(ascii: "-")
            }
            bytes(UnsafePointer(digits.baseAddress! + i), 20 - i)
        }
        byte(0)
    }

    mutating func result(_ schema: ObjectSchema) -> Int {
        let top = UnsafePointer(header).pointer(to: \.top)!
        byte(schema.recordMark)
        shape(of: top, schema)
        byte(0)
        values(of: top, schema)
        storage.forEachExtra(isKnown: schema.isKnown) { e in
            string(e.key)
            string(e.value)
            return true
        }
        return count
    }

    mutating func shape(of record: UnsafePointer<ObjectRecord>, _ schema: ObjectSchema) {
        for (m, member) in schema.members.enumerated() {
            switch member.type {
            case .bool:
                byte(record.bool(m).map { $0 ? UInt8(ascii: "1") : UInt8(ascii: "0") } ?? UInt8(ascii: "-"))
            case .int, .string, .number:
                if !member.required { byte(record.isPresent(m) ? UInt8(ascii: "1") : UInt8(ascii: "0")) }
            case .object(let slot):
                let object = UnsafePointer(StorageHeader.object(header, slot))
                if member.flattened {
                    shape(of: object, schema.nested(slot))
                } else if object.pointee.present {
                    byte(schema.nested(slot).recordMark)
                    shape(of: object, schema.nested(slot))
                } else {
                    byte(UInt8(ascii: "0"))
                }
            }
        }
    }

    mutating func values(of record: UnsafePointer<ObjectRecord>, _ schema: ObjectSchema) {
        for (m, member) in schema.members.enumerated() {
            switch member.type {
            case .bool: break
            case .int: if let v = record.int(m) { integer(v) }
            case .string, .number: if record.isPresent(m) { string(record.slice(m)) }
            case .object(let slot):
                let object = UnsafePointer(StorageHeader.object(header, slot))
                if object.pointee.present { values(of: object, schema.nested(slot)) }
            }
        }
    }

    mutating func string(_ s: Slice32) {
        bytes(region + Int(s.start), Int(s.count))
        byte(0)
    }
}
