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
///
/// A view over one immutable buffer that holds every decoded field; properties build their Swift values
/// when read. Safe to share between threads.
public struct InitData: Sendable {
    nonisolated(unsafe) let storage: FieldStorage

    init(storage: FieldStorage) { self.storage = storage }

    private var header: StorageHeader { storage.headerPointer.pointee }

    /// `query_id`, present when the Mini App was opened from an inline keyboard button.
    public var queryID: String? { storage.string(header.queryID) }
    /// The current user.
    public var user: WebAppUser? { header.user.present ? WebAppUser(storage: storage, which: .user) : nil }
    /// The chat partner, in private chats opened from the attachment menu.
    public var receiver: WebAppUser? {
        header.receiver.present ? WebAppUser(storage: storage, which: .receiver) : nil
    }
    /// The chat, in groups and channels opened from the attachment menu.
    public var chat: WebAppChat? { header.chat.present ? WebAppChat(storage: storage) : nil }
    /// `chat_type`: `sender`, `private`, `group`, `supergroup` or `channel`.
    public var chatType: String? { storage.string(header.chatType) }
    /// `chat_instance`, a global identifier of the chat; kept as a string, it is an opaque 64-bit value.
    public var chatInstance: String? { storage.string(header.chatInstance) }
    /// `start_param` from a direct link.
    public var startParam: String? { storage.string(header.startParam) }
    /// `can_send_after`: seconds after which `answerWebAppQuery` may be called.
    public var canSendAfter: Int64? { header.canSendAfter }
    /// `auth_date`, Unix time.
    public var authDate: Int64 { header.authDate }
    /// `hash`, as received (absent only in third-party data that carries no hash).
    public var hash: String? { storage.string(header.hash) }
    /// `signature`, as received.
    public var signature: String? { storage.string(header.signature) }
    /// Top-level fields this library does not know, in key order.
    public var extras: [ExtraField] { storage.extras(isKnown: InitDataKey.isKnown) }
}

/// `WebAppUser`.
public struct WebAppUser: Sendable {
    enum Which { case user, receiver, widget }
    nonisolated(unsafe) let storage: FieldStorage
    let which: Which

    private var record: UserRecord {
        switch which {
        case .user, .widget: storage.headerPointer.pointee.user
        case .receiver: storage.headerPointer.pointee.receiver
        }
    }

    /// The user's id. Exact: ids above 2^53 are not rounded.
    public var id: Int64 { record.id }
    public var isBot: Bool? { Self.flag(record.isBot) }
    public var firstName: String { storage.string(record.firstName) ?? "" }
    public var lastName: String? { storage.string(record.lastName) }
    public var username: String? { storage.string(record.username) }
    public var languageCode: String? { storage.string(record.languageCode) }
    public var isPremium: Bool? { Self.flag(record.isPremium) }
    public var addedToAttachmentMenu: Bool? { Self.flag(record.addedToAttachmentMenu) }
    public var allowsWriteToPM: Bool? { Self.flag(record.allowsWriteToPM) }
    public var photoURL: String? { storage.string(record.photoURL) }

    static func flag(_ v: Int8) -> Bool? { v < 0 ? nil : v == 1 }
}

/// `WebAppChat`.
public struct WebAppChat: Sendable {
    nonisolated(unsafe) let storage: FieldStorage
    private var record: ChatRecord { storage.headerPointer.pointee.chat }

    public var id: Int64 { record.id }
    /// `group`, `supergroup` or `channel`.
    public var type: String { storage.string(record.type) ?? "" }
    public var title: String { storage.string(record.title) ?? "" }
    public var username: String? { storage.string(record.username) }
    public var photoURL: String? { storage.string(record.photoURL) }
}

/// A user verified from Login Widget data.
public struct WidgetUser: Sendable {
    nonisolated(unsafe) let storage: FieldStorage
    private var record: UserRecord { storage.headerPointer.pointee.user }

    public var id: Int64 { record.id }
    public var firstName: String { storage.string(record.firstName) ?? "" }
    public var lastName: String? { storage.string(record.lastName) }
    public var username: String? { storage.string(record.username) }
    public var photoURL: String? { storage.string(record.photoURL) }
    public var authDate: Int64 { storage.headerPointer.pointee.authDate }
    /// Fields this library does not know, in key order.
    public var extras: [ExtraField] { storage.extras(isKnown: WidgetKey.isKnown) }
}

extension FieldStorage {
    /// Calls `body` with each field `isKnown` does not claim, in key order, until it returns false.
    func forEachExtra(isKnown: (UnsafePointer<UInt8>, Int) -> Bool, _ body: (FieldEntry) -> Bool) {
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

/// The top-level initData keys this version knows.
enum InitDataKey: Int {
    case queryID, user, receiver, chat, chatType, chatInstance, startParam, canSendAfter, authDate, hash, signature

    static func classify(_ p: UnsafePointer<UInt8>, _ n: Int) -> InitDataKey? {
        switch n {
        case 4:
            if Bytes.equal(p, n, "user") { return .user }
            if Bytes.equal(p, n, "chat") { return .chat }
            if Bytes.equal(p, n, "hash") { return .hash }
        case 8:
            if Bytes.equal(p, n, "query_id") { return .queryID }
            if Bytes.equal(p, n, "receiver") { return .receiver }
        case 9:
            if Bytes.equal(p, n, "chat_type") { return .chatType }
            if Bytes.equal(p, n, "auth_date") { return .authDate }
            if Bytes.equal(p, n, "signature") { return .signature }
        case 11:
            if Bytes.equal(p, n, "start_param") { return .startParam }
        case 13:
            if Bytes.equal(p, n, "chat_instance") { return .chatInstance }
        case 14:
            if Bytes.equal(p, n, "can_send_after") { return .canSendAfter }
        default: break
        }
        return nil
    }

    static func isKnown(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool { classify(p, n) != nil }
}

/// The Login Widget keys this version knows.
enum WidgetKey {
    static func isKnown(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        Bytes.equal(p, n, "id") || Bytes.equal(p, n, "first_name") || Bytes.equal(p, n, "last_name")
            || Bytes.equal(p, n, "username") || Bytes.equal(p, n, "photo_url") || Bytes.equal(p, n, "auth_date")
            || Bytes.equal(p, n, "hash")
    }
}
