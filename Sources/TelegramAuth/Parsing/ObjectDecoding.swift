/// Decoding of results into their ``ObjectRecord``s, driven by ``Schema``: a JSON object member by member
/// (unknown members are skipped, so Telegram can add members; a known member of the wrong type is malformed,
/// and so is any member given twice, which ``JSONReader/forEachMember(in:_:)`` refuses), and a top-level
/// result key by key from the parsed query string.

extension FieldParser {
    /// Decodes the JSON object in `json` as `schema`; `context` names it in errors (`user`, `receiver`…).
    mutating func parseObject(
        _ json: (UnsafePointer<UInt8>, Int), _ schema: ObjectSchema, context: StaticString
    ) throws(TelegramAuthError) -> ObjectRecord {
        var reader = JSONReader(json.0, json.1, context: context)
        var record = ObjectRecord()
        try reader.forEachMember(in: &self) { (r: inout JSONReader, p: inout FieldParser, key, keyCount) throws(TelegramAuthError) in
            guard let m = schema.member(key, keyCount) else { return try r.skipValue(depth: 1) }
            let name = schema.members[m].name
            switch schema.members[m].type {
            case .int:
                let c = r.peek()
                guard c == UInt8(ascii: "-") || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) else {
                    throw .malformed("\(context).\(name) must be an integer", field: "\(context).\(name)")
                }
                record.set(m, try r.readInt64(member: name))
            case .string:
                if r.skipNull() { return }  // `null` counts as absent
                guard r.peek() == UInt8(ascii: "\"") else {
                    throw .malformed("\(context).\(name) must be a string", field: "\(context).\(name)")
                }
                record.set(m, try r.readString(into: &p))
            case .bool:
                if r.skipNull() { return }
                guard r.peek() == UInt8(ascii: "t") || r.peek() == UInt8(ascii: "f") else {
                    throw .malformed("\(context).\(name) must be a boolean", field: "\(context).\(name)")
                }
                record.set(m, try r.readBool() ? 1 : 0)
            case .number:
                if r.skipNull() { return }
                let c = r.peek()
                guard c == UInt8(ascii: "-") || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) else {
                    throw .malformed("\(context).\(name) must be a number", field: "\(context).\(name)")
                }
                let text = try r.skipNumber()
                record.set(m, p.copyRaw(r.base + text.lowerBound, text.count))
            case .object(let slot):
                // objects nest one level: only a top-level result read from JSON holds them
                if r.skipNull() { return }
                guard r.peek() == UInt8(ascii: "{") else {
                    throw .malformed("\(context).\(name) must be an object", field: "\(context).\(name)")
                }
                let start = r.position
                try r.skipValue(depth: 1)
                let header = p.storage.headerPointer
                header.pointee.objects[slot] = try p.parseObject((r.base + start, r.position - start), schema.nested(slot), context: name)
                record.has |= 1 << UInt32(m)
            }
        }
        reader.skipWhitespace()
        guard reader.atEnd else { throw reader.error("trailing data after the object") }
        for (i, member) in schema.members.enumerated() where member.required && !record.isPresent(i) {
            throw TelegramAuthError.missing("\(context).\(member.name)")
        }
        record.present = true
        record.base = UnsafePointer(bytes)
        return record
    }

    /// Decodes a `WebAppUser` (also the shape of a Bot API `User`).
    mutating func parseUser(_ json: (UnsafePointer<UInt8>, Int), context: StaticString) throws(TelegramAuthError) -> ObjectRecord {
        try parseObject(json, Schema.webAppUser, context: context)
    }

    /// Fills the header with every known field of the sorted table as `schema`, a top-level result, and
    /// counts the unknown ones. The check has already read `auth_date` and the time window.
    mutating func decodeResult(_ schema: ObjectSchema) throws(TelegramAuthError) {
        // written in place: the header is too big to copy out and back
        let header = storage.headerPointer
        var extras = 0
        for i in 0..<count {
            let key = table[i].key
            guard let target = schema.key(bytes + Int(key.start), Int(key.count)) else {
                extras += 1
                continue
            }
            switch target {
            case .check: break
            case .member(let m):
                let member = schema.members[m]
                switch member.type {
                case .int: header.pointee.top.set(m, try unsignedInteger(i, name: member.name))
                case .string: header.pointee.top.set(m, value(i))
                case .bool: header.pointee.top.set(m, try flag(i, name: member.name))
                case .number: break  // generate.py keeps numbers to objects read from JSON
                case .object(let slot):
                    header.pointee.objects[slot] = try parseObject(valuePointer(i), schema.nested(slot), context: member.name)
                    header.pointee.top.has |= 1 << UInt32(m)
                }
            case .flattened(let slot, let m):
                let member = schema.nested(slot).members[m]
                switch member.type {
                case .int: header.pointee.objects[slot].set(m, try unsignedInteger(i, name: member.name))
                case .string: header.pointee.objects[slot].set(m, value(i))
                case .bool: header.pointee.objects[slot].set(m, try flag(i, name: member.name))
                case .number, .object: break
                }
            }
        }
        // what must be present: the result's own members, then those of each flattened object
        for (m, member) in schema.members.enumerated() where member.required {
            switch member.type {
            case .object(let slot) where !header.pointee.top.isPresent(m):
                for case (let name, .flattened(slot, let k)) in schema.keys where schema.nested(slot).members[k].required
                    && !header.pointee.objects[slot].isPresent(k) {
                    throw TelegramAuthError.missing("\(name)")
                }
                header.pointee.objects[slot].present = true
                header.pointee.objects[slot].base = UnsafePointer(bytes)
                header.pointee.top.has |= 1 << UInt32(m)
            case .object: break
            default:
                if !header.pointee.top.isPresent(m) { throw TelegramAuthError.missing("\(member.name)") }
            }
        }
        header.pointee.top.present = true
        header.pointee.top.base = UnsafePointer(bytes)
        header.pointee.extraCount = extras
        header.pointee.fieldCount = count
        header.pointee.used = cursor
    }

    /// Reads a query-string field as `true` or `false`.
    func flag(_ index: Int, name: StaticString) throws(TelegramAuthError) -> Int64 {
        let (p, n) = valuePointer(index)
        if Bytes.equal(p, n, "true") { return 1 }
        if Bytes.equal(p, n, "false") { return 0 }
        throw .malformed("'\(name)' must be true or false", field: "\(name)")
    }
}

extension VerifiedResult {
    /// Decodes a result read from one JSON object (`"json": true` in the schema): the JSON is kept as
    /// received (``StorageHeader/source``), then its members decoded after it.
    /// - Throws: `malformed` for JSON that is not an object, or a declared member of the wrong type;
    ///   `missing_field` for a required member that is absent; `malformed` for bytes that are not UTF-8.
    package init(json: UnsafeBufferPointer<UInt8>, context: StaticString) throws(TelegramAuthError) {
        // the reader checks the grammar, not the encoding: a string's bytes are kept as they come
        guard json.isEmpty || Bytes.isValidUTF8(json.baseAddress!, json.count) else {
            throw .malformed("the \(context) is not valid UTF-8", field: "\(context)")
        }
        let storage = FieldStorage.make(fields: 0, byteCount: 3 * json.count + 32)
        var parser = FieldParser(storage: storage)
        if let base = json.baseAddress { parser.bytes.update(from: base, count: json.count) }
        parser.bytes[json.count] = 0
        parser.cursor = json.count + 1
        let header = storage.headerPointer
        header.pointee.source = Slice32(start: 0, count: UInt32(json.count))
        header.pointee.top = try parser.parseObject((UnsafePointer(parser.bytes), json.count), Self.schema, context: context)
        header.pointee.used = parser.cursor
        self.init(storage: storage)
    }
}
