/// The "record" form of a verified result: every field in one caller buffer, for language bindings that
/// would otherwise pay one foreign call per field.
///
/// The record is a sequence of NUL-terminated UTF-8 strings. The first is the shape; the others are the
/// values the shape says are present, in a fixed order; then the extras as key, value, key, value…
///
/// Shape of initData: `I`, then one `0`/`1` each for query_id, chat_type, chat_instance, start_param, hash,
/// signature and can_send_after; then for user and receiver `0`, or `u` and a user shape; then for chat
/// `0`, or `c` and one `0`/`1` each for username and photo_url. A user shape is one `0`/`1` each for
/// last_name, username, language_code and photo_url, then one of `-` (absent), `0`, `1` each for is_bot,
/// is_premium, added_to_attachment_menu and allows_write_to_pm.
/// Values of initData: auth_date; the present top-level fields in shape order; for a user: id, first_name,
/// its present strings; for the chat: id, type, title, its present strings. Integers are decimal.
///
/// Shape of widget data: `W` and a user shape. Values: auth_date, id, first_name, the present strings.
package enum ResultRecord {
    struct Writer {
        let out: UnsafeMutablePointer<UInt8>?
        let capacity: Int
        var count = 0

        mutating func byte(_ b: UInt8) {
            if count < capacity, let out { out[count] = b }
            count &+= 1
        }

        mutating func bytes(_ p: UnsafePointer<UInt8>, _ n: Int) {
            if count &+ n <= capacity, let out { (out + count).update(from: p, count: n) }
            count &+= n
        }

        mutating func end() { byte(0) }

        mutating func presence(_ slice: Slice32) { byte(slice.isPresent ? UInt8(ascii: "1") : UInt8(ascii: "0")) }

        mutating func flag(_ f: Int8) { byte(f < 0 ? UInt8(ascii: "-") : f == 0 ? UInt8(ascii: "0") : UInt8(ascii: "1")) }

        mutating func integer(_ v: Int64) {
            var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
            withUnsafeMutableBytes(of: &digits) { buf in
                var i = buf.count
                var m = v.magnitude
                repeat {
                    i -= 1
                    buf[i] = UInt8(truncatingIfNeeded: m % 10) &+ UInt8(ascii: "0")
                    m /= 10
                } while m > 0
                if v < 0 {
                    i -= 1
                    buf[i] = UInt8(ascii: "-")
                }
                let base = buf.baseAddress!.assumingMemoryBound(to: UInt8.self)
                bytes(base + i, buf.count - i)
            }
            end()
        }
    }

    /// Writes the record of `storage` into `out` when it fits in `capacity` bytes.
    /// - Returns: the record's size in bytes; nothing is written when it exceeds `capacity`.
    package static func write(_ data: InitData, into out: UnsafeMutablePointer<UInt8>?, capacity: Int) -> Int {
        var w = Writer(out: out, capacity: capacity)
        return fill(&w, data.storage, widget: false)
    }

    package static func write(_ data: WidgetUser, into out: UnsafeMutablePointer<UInt8>?, capacity: Int) -> Int {
        var w = Writer(out: out, capacity: capacity)
        return fill(&w, data.storage, widget: true)
    }

    private static func fill(_ w: inout Writer, _ storage: FieldStorage, widget: Bool) -> Int {
        let h = storage.headerPointer
        let bytes = UnsafePointer(h.pointee.bytes)
        func string(_ s: Slice32, _ w: inout Writer) {
            if s.isPresent {
                w.bytes(bytes + Int(s.start), Int(s.count))
                w.end()
            }
        }
        func userShape(_ u: UserRecord, _ w: inout Writer) {
            w.presence(u.lastName)
            w.presence(u.username)
            w.presence(u.languageCode)
            w.presence(u.photoURL)
            w.flag(u.isBot)
            w.flag(u.isPremium)
            w.flag(u.addedToAttachmentMenu)
            w.flag(u.allowsWriteToPM)
        }
        func userValues(_ u: UserRecord, _ w: inout Writer) {
            w.integer(u.id)
            string(u.firstName, &w)
            string(u.lastName, &w)
            string(u.username, &w)
            string(u.languageCode, &w)
            string(u.photoURL, &w)
        }
        if widget {
            let u = h.pointee.user
            w.byte(UInt8(ascii: "W"))
            userShape(u, &w)
            w.end()
            w.integer(h.pointee.authDate)
            userValues(u, &w)
        } else {
            let d = h.pointee
            w.byte(UInt8(ascii: "I"))
            w.presence(d.queryID)
            w.presence(d.chatType)
            w.presence(d.chatInstance)
            w.presence(d.startParam)
            w.presence(d.hash)
            w.presence(d.signature)
            w.byte(d.canSendAfter == nil ? UInt8(ascii: "0") : UInt8(ascii: "1"))
            if d.user.present {
                w.byte(UInt8(ascii: "u"))
                userShape(d.user, &w)
            } else {
                w.byte(UInt8(ascii: "0"))
            }
            if d.receiver.present {
                w.byte(UInt8(ascii: "u"))
                userShape(d.receiver, &w)
            } else {
                w.byte(UInt8(ascii: "0"))
            }
            if d.chat.present {
                w.byte(UInt8(ascii: "c"))
                w.presence(d.chat.username)
                w.presence(d.chat.photoURL)
            } else {
                w.byte(UInt8(ascii: "0"))
            }
            w.end()
            w.integer(d.authDate)
            string(d.queryID, &w)
            string(d.chatType, &w)
            string(d.chatInstance, &w)
            string(d.startParam, &w)
            string(d.hash, &w)
            string(d.signature, &w)
            if let c = d.canSendAfter { w.integer(c) }
            if d.user.present { userValues(d.user, &w) }
            if d.receiver.present { userValues(d.receiver, &w) }
            if d.chat.present {
                w.integer(d.chat.id)
                string(d.chat.type, &w)
                string(d.chat.title, &w)
                string(d.chat.username, &w)
                string(d.chat.photoURL, &w)
            }
        }
        storage.forEachExtra(isKnown: widget ? WidgetKey.isKnown : InitDataKey.isKnown) { e in
            string(e.key, &w)
            string(e.value, &w)
            return true
        }
        return w.count
    }
}
