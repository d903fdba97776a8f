/// The typed results: views over one immutable buffer that holds every decoded field. The view types and
/// their properties, one per schema member, are generated into `Results+Schema.swift`; they build their
/// Swift values when read. Safe to share between threads. What they share is here.

/// A field that Telegram sent but this version of the library does not know. It took part in the check.
public struct ExtraField: Sendable, Hashable {
    public let key: String
    public let value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// What the generated properties read through: a record in a result's storage, of a schema.
package protocol ResultView: Sendable {
    var storage: FieldStorage { get }
    var record: ObjectRecord { get }
    static var schema: ObjectSchema { get }
}

/// A top-level result (`InitData`, `WidgetUser`…): it owns its storage, whose header's `top` is its record.
package protocol VerifiedResult: ResultView {
    init(storage: FieldStorage)
}

/// A nested object (`WebAppUser`…): the record in `objects[slot]` of its result's storage.
package protocol NestedView: ResultView {
    var slot: Int { get }
}

extension VerifiedResult {
    package var record: ObjectRecord { storage.headerPointer.pointee.top }
}

extension NestedView {
    package var record: ObjectRecord { storage.headerPointer.pointee.objects[slot] }
}

extension ResultView {
    package func string(_ member: Int) -> String? { storage.string(record.slice(member)) }

    /// A number member, as Swift reads its JSON text.
    package func number(_ member: Int) -> Double? { string(member).flatMap(Double.init) }

    /// The record of the nested object in `objects[slot]` (the widget's user, whose members are flattened).
    package func nested(_ slot: Int) -> ObjectRecord { storage.headerPointer.pointee.objects[slot] }

    package func nestedString(_ slot: Int, _ member: Int) -> String? { storage.string(nested(slot).slice(member)) }
}

extension FieldStorage {
    /// Calls `body` with each field `isKnown` does not claim, in key order, until it returns false.
    package func forEachExtra(isKnown: (UnsafePointer<UInt8>, Int) -> Bool, _ body: (FieldEntry) -> Bool) {
        let h = headerPointer.pointee
        for i in 0..<h.fieldCount {
            let e = h.table[i]
            if !isKnown(h.bytes + Int(e.key.start), Int(e.key.count)) && !body(e) { return }
        }
    }

    func extras(isKnown: (UnsafePointer<UInt8>, Int) -> Bool) -> [ExtraField] {
        var out: [ExtraField] = []
        forEachExtra(isKnown: isKnown) { e in
            out.append(ExtraField(key: string(e.key) ?? "", value: string(e.value) ?? ""))
            return true
        }
        return out
    }
}
