/// The shape of every verified result, as a table the parser, the JSON writer and the record writer walk.
///
/// The table itself is generated from `schema/results.json` (``Schema`` in `Results+Schema.swift`, with the
/// public view properties); this file holds the types it is made of and the storage a result lives in.

/// What a member holds.
package enum MemberType: Sendable {
    /// An integer within 64 bits (in a query string, a non-negative decimal).
    case int
    case string
    /// A JSON number (Telegram's prices and balances), kept as its exact text; only in objects read from JSON.
    case number
    /// Tri-state: absent, false or true.
    case bool
    /// A nested object, kept in `StorageHeader.objects[slot]`, of schema `ObjectSchema.nested[slot]`.
    case object(slot: Int)
}

/// One member of an object: its Telegram name, its type, and whether it must be present.
package struct Member: Sendable {
    package let name: StaticString
    package let type: MemberType
    package let required: Bool
    /// For an object: its members come at the top level of the query string (the widget's user).
    package let flattened: Bool

    package init(_ name: StaticString, _ type: MemberType, required: Bool = false, flattened: Bool = false) {
        self.name = name
        self.type = type
        self.required = required
        self.flattened = flattened
    }
}

/// One object of the schema (`WebAppUser`, `InitData`…). Schemas are made once, as static constants, and
/// live as long as the process: their tables are plain buffers, read on every validation without reference
/// counting, and never freed.
package final class ObjectSchema: @unchecked Sendable {
    /// The Telegram type name.
    let name: StaticString
    /// The byte that starts the object's shape in a record.
    package let recordMark: UInt8
    /// In record order (append-only); a member's index is its slot.
    package let members: UnsafeBufferPointer<Member>
    /// Member indices in JSON order; `-1` is where unknown fields go.
    let jsonOrder: [Int]
    /// The schema of each nested object, by slot (held by their static constants, so not counted here).
    private let nestedSchemas: UnsafeBufferPointer<Unmanaged<ObjectSchema>>

    /// The schema of the nested object in `slot`.
    @inline(__always)
    package func nested(_ slot: Int) -> ObjectSchema { nestedSchemas[slot].takeUnretainedValue() }
    /// For a top-level result, every key it reads from the query string (its own members, and the members
    /// of a flattened object, which the widget sends at the top level), and the keys the check itself reads.
    package let keys: UnsafeBufferPointer<(name: StaticString, target: KeyTarget)>

    package enum KeyTarget: Sendable {
        /// The member of the top-level object.
        case member(Int)
        /// Member `member` of the nested object kept in `objects[slot]`.
        case flattened(slot: Int, member: Int)
        /// Read by the check (`hash` of the widget), not kept in the result.
        case check
    }

    /// A name's index, or -1 (generated: a switch on the length, then byte comparisons).
    package typealias Classifier = @convention(c) (UnsafePointer<UInt8>, Int) -> Int
    /// The index of a member by name. A plain function pointer: calling it counts no references.
    let classifyMember: Classifier
    /// The index in ``keys`` of a query-string key, likewise.
    let classifyKey: Classifier

    package init(
        _ name: StaticString, mark: Character, members: [Member], jsonOrder: [Int], nested: [ObjectSchema] = [],
        keys: [(name: StaticString, target: KeyTarget)] = [],
        classifyMember: Classifier, classifyKey: Classifier? = nil
    ) {
        self.nestedSchemas = Self.permanent(nested.map { Unmanaged.passUnretained($0) })
        self.classifyMember = classifyMember
        self.classifyKey = classifyKey ?? classifyMember
        self.name = name
        self.recordMark = mark.asciiValue!
        self.members = Self.permanent(members)
        self.jsonOrder = jsonOrder
        self.keys = Self.permanent(keys.isEmpty ? members.indices.map { (members[$0].name, .member($0)) } : keys)
    }

    static func permanent<T>(_ items: [T]) -> UnsafeBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: items.count)
        _ = buffer.initialize(from: items)
        return UnsafeBufferPointer(buffer)
    }

    /// The index of the member named by `p[0..<n]`.
    @inline(__always)
    func member(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        let m = classifyMember(p, n)
        return m >= 0 ? m : nil
    }

    /// Where the query-string key `p[0..<n]` goes, or nil for an unknown field.
    @inline(__always)
    func key(_ p: UnsafePointer<UInt8>, _ n: Int) -> KeyTarget? {
        let k = classifyKey(p, n)
        return k >= 0 ? keys[k].target : nil
    }

    package func isKnown(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool { key(p, n) != nil }
}

/// The decoded members of one object: a slot per member, and which are present. An int is its value, a
/// string its ``Slice32`` in the storage region (start in the high 32 bits), a bool 0 or 1.
package struct ObjectRecord {
    @usableFromInline package var present = false
    @usableFromInline package var has: UInt32 = 0
    @usableFromInline package var slots = InlineArray<12, Int64>(repeating: 0)
    /// The storage region the strings point into; lets a C caller hold a pointer to this record alone.
    @usableFromInline package var base: UnsafePointer<UInt8>? = nil

    @inlinable
    package func isPresent(_ member: Int) -> Bool { has & (1 << UInt32(member)) != 0 }

    @inline(__always)
    mutating func set(_ member: Int, _ value: Int64) {
        slots[member] = value
        has |= 1 << UInt32(member)
    }

    @inline(__always)
    mutating func set(_ member: Int, _ slice: Slice32) {
        set(member, Int64(slice.start) << 32 | Int64(slice.count))
    }

    @inlinable
    package func int(_ member: Int) -> Int64? { isPresent(member) ? slots[member] : nil }

    @inlinable
    package func slice(_ member: Int) -> Slice32 {
        guard isPresent(member) else { return .absent }
        let v = UInt64(bitPattern: slots[member])
        return Slice32(start: UInt32(truncatingIfNeeded: v >> 32), count: UInt32(truncatingIfNeeded: v))
    }

    @inlinable
    package func bool(_ member: Int) -> Bool? { isPresent(member) ? slots[member] != 0 : nil }
}

/// Reads of a record in place, through a pointer (the C accessors and the record writer read this way,
/// without copying the record).
extension UnsafePointer where Pointee == ObjectRecord {
    package func isPresent(_ member: Int) -> Bool { pointee.has & (1 &<< UInt32(member)) != 0 }

    package func raw(_ member: Int) -> Int64 {
        UnsafeRawPointer(self).load(
            fromByteOffset: MemoryLayout<ObjectRecord>.offset(of: \.slots)! &+ member &* 8, as: Int64.self)
    }

    package func int(_ member: Int) -> Int64? { isPresent(member) ? raw(member) : nil }

    package func bool(_ member: Int) -> Bool? { isPresent(member) ? raw(member) != 0 : nil }

    package func slice(_ member: Int) -> Slice32 {
        guard isPresent(member) else { return Slice32(start: .max, count: 0) }
        let v = UInt64(bitPattern: raw(member))
        return Slice32(start: UInt32(truncatingIfNeeded: v &>> 32), count: UInt32(truncatingIfNeeded: v))
    }
}
