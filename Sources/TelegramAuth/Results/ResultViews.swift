/// The typed results: views over one immutable buffer that holds every decoded field. Their properties, one
/// per schema member, are generated into `Results+Schema.swift`; they build their Swift values when read.
/// Safe to share between threads.

/// A field that Telegram sent but this version of the library does not know. It took part in the check.
public struct ExtraField: Sendable, Hashable {
    public let key: String
    public let value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// Verified Mini App launch data (`WebAppInitData`).
public struct InitData: Sendable {
    nonisolated(unsafe) package let storage: FieldStorage
    init(storage: FieldStorage) { self.storage = storage }
    var record: ObjectRecord { storage.headerPointer.pointee.top }

    /// Top-level fields this library does not know, in key order.
    public var extras: [ExtraField] { storage.extras(isKnown: Schema.initData.isKnown) }
}

/// `WebAppUser`.
public struct WebAppUser: Sendable {
    nonisolated(unsafe) let storage: FieldStorage
    /// Which of the header's objects this is.
    let slot: Int
    var record: ObjectRecord { storage.headerPointer.pointee.objects[slot] }
}

/// `WebAppChat`.
public struct WebAppChat: Sendable {
    nonisolated(unsafe) let storage: FieldStorage
    let slot: Int
    var record: ObjectRecord { storage.headerPointer.pointee.objects[slot] }
}

/// A user verified from Login Widget data.
public struct WidgetUser: Sendable {
    nonisolated(unsafe) package let storage: FieldStorage
    var record: ObjectRecord { storage.headerPointer.pointee.top }

    /// Fields this library does not know, in key order.
    public var extras: [ExtraField] { storage.extras(isKnown: Schema.widgetUser.isKnown) }
}

/// What the generated properties read through.
protocol ResultView {
    var storage: FieldStorage { get }
    var record: ObjectRecord { get }
}

extension InitData: ResultView {}
extension WebAppUser: ResultView {}
extension WebAppChat: ResultView {}
extension WidgetUser: ResultView {}

extension ResultView {
    func string(_ member: Int) -> String? { storage.string(record.slice(member)) }

    /// The record of the nested object in `objects[slot]` (the widget's user, whose members are flattened).
    func nested(_ slot: Int) -> ObjectRecord { storage.headerPointer.pointee.objects[slot] }

    func nestedString(_ slot: Int, _ member: Int) -> String? { storage.string(nested(slot).slice(member)) }
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
