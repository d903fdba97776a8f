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

/// A verified id_token's standard claims (Log In With Telegram over OpenID Connect).
public struct IDToken: Sendable {
    nonisolated(unsafe) package let storage: FieldStorage
    var record: ObjectRecord { storage.headerPointer.pointee.top }

    /// Every claim, the JSON object as the token carried it.
    public var claimsJSON: String { storage.string(storage.headerPointer.pointee.source) ?? "{}" }

    /// Reads the claims (a JSON object) into the schema's fields; unknown claims stay in ``claimsJSON``.
    /// - Throws: `malformed` for JSON that is not an object, or a declared claim of the wrong type;
    ///   `missing_field` for a missing `sub`, `iat` or `exp`.
    package static func decode(claims json: [UInt8]) throws(TelegramAuthError) -> IDToken {
        let storage = FieldStorage.make(fields: 0, byteCount: 3 * json.count + 32)
        var parser = FieldParser(storage: storage)
        // the claims as received first, then the decoded strings
        parser.bytes.update(from: json, count: json.count)
        parser.bytes[json.count] = 0
        parser.cursor = json.count + 1
        let header = storage.headerPointer
        header.pointee.source = Slice32(start: 0, count: UInt32(json.count))
        header.pointee.top = try parser.parseObject((UnsafePointer(parser.bytes), json.count), Schema.idToken, context: "claims")
        header.pointee.used = parser.cursor
        return IDToken(storage: storage)
    }
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
extension IDToken: ResultView {}

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
