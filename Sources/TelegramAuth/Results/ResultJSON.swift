/// The JSON output of results: one object with Telegram's field names in the schema's JSON order, nested
/// objects, exact integers, and unknown top-level fields as strings where the schema puts them.

extension JSONWriter {
    /// Writes the members of `record` as `schema` orders them; `extras` are written where the order says.
    mutating func members(
        of record: ObjectRecord, _ schema: ObjectSchema, in storage: FieldStorage, extras: [ExtraField] = []
    ) {
        for m in schema.jsonOrder {
            guard m >= 0 else {
                for extra in extras { string(extra.key, extra.value) }
                continue
            }
            let member = schema.members[m]
            switch member.type {
            case .object(let slot):
                let nested = schema.nested(slot)
                let object = storage.headerPointer.pointee.objects[slot]
                guard object.present else { continue }
                if member.flattened {
                    // the members the top level carries, in the nested object's JSON order
                    let carried = Set(schema.keys.compactMap { if case .flattened(slot, let k) = $0.target { k } else { nil } })
                    var inner = JSONWriter()
                    inner.members(of: object, nested, in: storage, only: carried)
                    rawMembers(inner)
                } else {
                    var inner = JSONWriter()
                    inner.members(of: object, nested, in: storage)
                    raw("\(member.name)", inner.finished())
                }
            default:
                scalar(member, m, of: record, in: storage)
            }
        }
    }

    private mutating func members(of record: ObjectRecord, _ schema: ObjectSchema, in storage: FieldStorage, only: Set<Int>) {
        for m in schema.jsonOrder where m >= 0 && only.contains(m) { scalar(schema.members[m], m, of: record, in: storage) }
    }

    private mutating func scalar(_ member: Member, _ m: Int, of record: ObjectRecord, in storage: FieldStorage) {
        switch member.type {
        case .int: integer("\(member.name)", record.int(m))
        case .string: string("\(member.name)", storage.string(record.slice(m)))
        case .number: if let text = storage.string(record.slice(m)) { raw("\(member.name)", text) }
        case .bool: bool("\(member.name)", record.bool(m))
        case .object: break
        }
    }
}

extension ResultView {
    /// The JSON object of this view's record (the generated `jsonString`s call it); a result with unknown
    /// fields writes them, as strings, where its schema's JSON order says.
    package func json() -> String {
        var w = JSONWriter()
        let extras = Self.self is any VerifiedResult.Type ? storage.extras(isKnown: Self.schema.isKnown) : []
        w.members(of: record, Self.schema, in: storage, extras: extras)
        return w.finished()
    }
}
