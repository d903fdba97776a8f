import Foundation

/// A result field's value as JSON has it, to compare a result as a surface gives it with the input table's `result` column
/// (tests/inputs/cases.tsv): an int and a number stay apart, as the schema keeps them.
package indirect enum FieldValue: Equatable, Decodable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case number(Double)
    case string(String)
    case array([FieldValue])
    case object([String: FieldValue])

    package init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([FieldValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: FieldValue].self)) }
    }

    package init(json: String) throws {
        self = try JSONDecoder().decode(FieldValue.self, from: Data(json.utf8))
    }

    /// The generated views' values (`SchemaViews.values`): optionals, Int64, Double, Bool, String and nested
    /// dictionaries.
    package init(_ any: Any?) {
        switch any {
        case let b as Bool: self = .bool(b)
        case let i as Int64: self = .int(i)
        case let i as Int: self = .int(Int64(i))
        case let d as Double: self = .number(d)
        case let s as String: self = .string(s)
        case let o as [String: Any?]: self = .object(o.mapValues { FieldValue($0) })
        default: self = .null  // nil, or an Optional holding nil
        }
    }

    /// The members of this object that `other` has: a JSON output carries extras besides the schema's fields.
    package func restricted(to other: FieldValue) -> FieldValue {
        guard case .object(let mine) = self, case .object(let theirs) = other else { return self }
        return .object(mine.filter { theirs[$0.key] != nil })
    }

    package var description: String {
        switch self {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .int(let i): "\(i)"
        case .number(let d): "\(d)"
        case .string(let s): "\"\(s)\""
        case .array(let a): "[" + a.map(\.description).joined(separator: ",") + "]"
        case .object(let o): "{" + o.keys.sorted().map { "\"\($0)\":\(o[$0]!)" }.joined(separator: ",") + "}"
        }
    }
}
