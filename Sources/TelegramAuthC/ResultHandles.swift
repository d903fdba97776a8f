import CTGAuth
import TelegramAuth

// Results handed to C: a handle is the result's storage object itself, and a view (`tgauth_user *`) points
// at one of its ObjectRecords, so handing a result to C costs no allocation. The per-field accessors that
// read them are generated (ResultAccessors.swift); these are their helpers, and the functions that are not
// about one field.

/// Retains the storage of a result and returns it as an opaque handle.
func retainResult(_ data: some VerifiedResult) -> OpaquePointer { OpaquePointer(Unmanaged.passRetained(data.storage).toOpaque()) }

func releaseResult(_ handle: OpaquePointer?) {
    guard let handle else { return }
    Unmanaged<FieldStorage>.fromOpaque(UnsafeRawPointer(handle)).release()
}

func header(_ handle: OpaquePointer) -> UnsafeMutablePointer<StorageHeader> {
    Unmanaged<FieldStorage>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue().headerPointer
}

/// The result's own members.
func topRecord(_ handle: OpaquePointer?) -> UnsafePointer<ObjectRecord>? {
    handle.map { UnsafePointer(header($0)).pointer(to: \.top)! }
}

/// The record a view points at.
func viewRecord(_ view: OpaquePointer?) -> UnsafePointer<ObjectRecord>? { view.map { UnsafePointer<ObjectRecord>($0) } }

/// A view of the nested object in `objects[slot]`, or NULL when absent.
func objectView(_ handle: OpaquePointer?, slot: Int) -> OpaquePointer? {
    guard let handle else { return nil }
    let object = StorageHeader.object(header(handle), slot)
    return object.pointee.present ? OpaquePointer(object) : nil
}

func stringOut(_ record: UnsafePointer<ObjectRecord>?, _ member: Int, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    len?.pointee = 0
    guard let record, let base = record.pointee.base else { return nil }
    let slice = record.slice(member)
    guard slice.isPresent else { return nil }
    len?.pointee = Int(slice.count)
    return UnsafeRawPointer(base + Int(slice.start)).assumingMemoryBound(to: CChar.self)
}

func intOut(_ value: Int64?, _ out: UnsafeMutablePointer<Int64>?) -> Int32 {
    guard let value, let out else { return 0 }
    out.pointee = value
    return 1
}

func numberOut(_ record: UnsafePointer<ObjectRecord>?, _ member: Int, _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    var n = 0
    guard let out, let text = stringOut(record, member, &n),
          let value = Double(String(decoding: UnsafeRawBufferPointer(start: text, count: n), as: UTF8.self))
    else { return 0 }
    out.pointee = value
    return 1
}

func flagOut(_ value: Bool?) -> Int32 { value.map { $0 ? 1 : 0 } ?? -1 }

func extraCount(_ handle: OpaquePointer?) -> Int { handle.map { header($0).pointee.extraCount } ?? 0 }

/// The index-th unknown field of a result, in key order.
func extra(_ handle: OpaquePointer?, _ out: UnsafeMutablePointer<tgauth_field>?, _ index: Int, _ schema: ObjectSchema) -> Int32 {
    guard let handle, let out else { return TGAUTH_E_INVALID_ARGUMENT }
    let h = header(handle).pointee
    guard index >= 0, index < h.extraCount else { return TGAUTH_E_INVALID_ARGUMENT }
    var seen = 0
    var found: FieldEntry? = nil
    Unmanaged<FieldStorage>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue().forEachExtra(isKnown: schema.isKnown) { e in
        if seen == index { found = e }
        seen += 1
        return found == nil
    }
    guard let e = found else { return TGAUTH_E_INVALID_ARGUMENT }
    let base = UnsafeRawPointer(h.bytes)
    out.pointee = tgauth_field(
        key: (base + Int(e.key.start)).assumingMemoryBound(to: CChar.self), key_len: Int(e.key.count),
        value: (base + Int(e.value.start)).assumingMemoryBound(to: CChar.self), value_len: Int(e.value.count))
    return TGAUTH_OK
}
