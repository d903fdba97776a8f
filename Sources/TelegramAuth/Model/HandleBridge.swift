/// Raw access for the C ABI target in this package: result handles are the storage objects themselves
/// and views point into their headers, so handing a result to C costs no allocation.
package enum ResultHandle {
    /// Retains the storage of `data` and returns it as an opaque handle.
    package static func retain(_ data: InitData) -> OpaquePointer {
        OpaquePointer(Unmanaged.passRetained(data.storage).toOpaque())
    }

    package static func retain(_ data: WidgetUser) -> OpaquePointer {
        OpaquePointer(Unmanaged.passRetained(data.storage).toOpaque())
    }

    package static func release(_ handle: OpaquePointer) {
        Unmanaged<FieldStorage>.fromOpaque(UnsafeRawPointer(handle)).release()
    }

    static func storage(_ handle: OpaquePointer) -> FieldStorage {
        Unmanaged<FieldStorage>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
    }

    static func header(_ handle: OpaquePointer) -> UnsafeMutablePointer<StorageHeader> {
        storage(handle).headerPointer
    }

    /// The top-level string fields of initData.
    package enum TopField { case queryID, chatType, chatInstance, startParam, hash, signature }

    package static func string(_ handle: OpaquePointer, _ field: TopField) -> (UnsafePointer<CChar>, Int)? {
        let h = header(handle)
        let slice: Slice32
        switch field {
        case .queryID: slice = h.pointee.queryID
        case .chatType: slice = h.pointee.chatType
        case .chatInstance: slice = h.pointee.chatInstance
        case .startParam: slice = h.pointee.startParam
        case .hash: slice = h.pointee.hash
        case .signature: slice = h.pointee.signature
        }
        return cString(UnsafePointer(h.pointee.bytes), slice)
    }

    package static func authDate(_ handle: OpaquePointer) -> Int64 { header(handle).pointee.authDate }
    package static func canSendAfter(_ handle: OpaquePointer) -> Int64? { header(handle).pointee.canSendAfter }

    package enum Record { case user, receiver, chat }

    /// A pointer to the user or chat record inside the header, or nil when absent.
    package static func record(_ handle: OpaquePointer, _ which: Record) -> OpaquePointer? {
        let h = header(handle)
        let raw = UnsafeMutableRawPointer(h)
        switch which {
        case .user:
            guard h.pointee.user.present else { return nil }
            return OpaquePointer(raw + MemoryLayout<StorageHeader>.offset(of: \.user)!)
        case .receiver:
            guard h.pointee.receiver.present else { return nil }
            return OpaquePointer(raw + MemoryLayout<StorageHeader>.offset(of: \.receiver)!)
        case .chat:
            guard h.pointee.chat.present else { return nil }
            return OpaquePointer(raw + MemoryLayout<StorageHeader>.offset(of: \.chat)!)
        }
    }

    package static func extraCount(_ handle: OpaquePointer) -> Int { header(handle).pointee.extraCount }

    /// The index-th unknown field in key order.
    package static func extra(
        _ handle: OpaquePointer, at index: Int, widget: Bool
    ) -> (key: (UnsafePointer<CChar>, Int), value: (UnsafePointer<CChar>, Int))? {
        let h = header(handle).pointee
        guard index >= 0, index < h.extraCount else { return nil }
        var seen = 0
        var found: FieldEntry? = nil
        storage(handle).forEachExtra(isKnown: widget ? WidgetKey.isKnown : InitDataKey.isKnown) { e in
            if seen == index { found = e }
            seen += 1
            return found == nil
        }
        guard let e = found else { return nil }
        return (cString(UnsafePointer(h.bytes), e.key)!, cString(UnsafePointer(h.bytes), e.value)!)
    }

    static func cString(_ base: UnsafePointer<UInt8>, _ slice: Slice32) -> (UnsafePointer<CChar>, Int)? {
        guard slice.isPresent else { return nil }
        return (UnsafeRawPointer(base + Int(slice.start)).assumingMemoryBound(to: CChar.self), Int(slice.count))
    }
}

/// Reads user and chat records through the pointers ``ResultHandle/record(_:_:)`` hands out.
package enum RecordView {
    package enum UserString { case firstName, lastName, username, languageCode, photoURL }
    package enum UserFlag { case isBot, isPremium, addedToAttachmentMenu, allowsWriteToPM }
    package enum ChatString { case type, title, username, photoURL }

    static func user(_ p: OpaquePointer) -> UserRecord { UnsafePointer<UserRecord>(p).pointee }
    static func chat(_ p: OpaquePointer) -> ChatRecord { UnsafePointer<ChatRecord>(p).pointee }

    package static func userID(_ p: OpaquePointer) -> Int64 { user(p).id }

    package static func userString(_ p: OpaquePointer, _ field: UserString) -> (UnsafePointer<CChar>, Int)? {
        let u = user(p)
        let slice: Slice32
        switch field {
        case .firstName: slice = u.firstName
        case .lastName: slice = u.lastName
        case .username: slice = u.username
        case .languageCode: slice = u.languageCode
        case .photoURL: slice = u.photoURL
        }
        guard let base = u.base else { return nil }
        return ResultHandle.cString(base, slice)
    }

    package static func userFlag(_ p: OpaquePointer, _ flag: UserFlag) -> Int8 {
        let u = user(p)
        switch flag {
        case .isBot: return u.isBot
        case .isPremium: return u.isPremium
        case .addedToAttachmentMenu: return u.addedToAttachmentMenu
        case .allowsWriteToPM: return u.allowsWriteToPM
        }
    }

    package static func chatID(_ p: OpaquePointer) -> Int64 { chat(p).id }

    package static func chatString(_ p: OpaquePointer, _ field: ChatString) -> (UnsafePointer<CChar>, Int)? {
        let c = chat(p)
        let slice: Slice32
        switch field {
        case .type: slice = c.type
        case .title: slice = c.title
        case .username: slice = c.username
        case .photoURL: slice = c.photoURL
        }
        guard let base = c.base else { return nil }
        return ResultHandle.cString(base, slice)
    }
}
