import Foundation
import Testing

@testable import TelegramAuth

/// The schema (`schema/results.json`) walked for the tests: every object's fields with a value of its type,
/// and the checks that a view's properties and its JSON carry each of them.
package enum SchemaCheck {
    package struct Field {
        package let name: String
        package let type: String
        package let flatten: [String]?
    }

    package static let objects: [String: [Field]] = {
        let data = try! Data(contentsOf: repositoryRoot.appendingPathComponent("schema/results.json"))
        let root = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        var out: [String: [Field]] = [:]
        for o in root["objects"] as! [[String: Any]] {
            out[o["name"] as! String] = (o["fields"] as! [[String: Any]]).map {
                Field(name: $0["name"] as! String, type: $0["type"] as! String, flatten: $0["flatten"] as? [String])
            }
        }
        return out
    }()

    /// The value every suite gives a field: ints 100 + its index, numbers the index + 0.25, strings
    /// naming the field (with a space and a non-ASCII letter), flags true, objects every field of theirs.
    package static func value(_ object: String, _ index: Int, _ field: Field) -> Any {
        switch field.type {
        case "int": 100 + index
        case "string": "\(object).\(field.name) ü"
        case "bool": true
        case "number": Double(index) + 0.25
        default: fullObject(field.type)
        }
    }

    package static func fullObject(_ name: String) -> [String: Any] {
        var d: [String: Any] = [:]
        for (i, f) in objects[name]!.enumerated() { d[f.name] = value(name, i, f) }
        return d
    }

    /// The query-string fields of a top-level result (a flattened object's fields at the top level).
    package static func topFields(_ name: String) -> [(String, Any)] {
        var out: [(String, Any)] = []
        for (i, f) in objects[name]!.enumerated() where f.name != "hash" {
            if let flatten = f.flatten {
                let nested = objects[f.type]!
                for n in flatten {
                    let k = nested.firstIndex { $0.name == n }!
                    out.append((n, value(f.type, k, nested[k])))
                }
            } else {
                out.append((f.name, value(name, i, f)))
            }
        }
        return out
    }

    package static func text(_ v: Any) -> String {
        if let d = v as? [String: Any] {
            return String(decoding: try! JSONSerialization.data(withJSONObject: d, options: [.sortedKeys]), as: UTF8.self)
        }
        if let b = v as? Bool { return b ? "true" : "false" }
        return "\(v)"
    }

    /// Compares what a surface gave (`got`, by field name) with the schema's values, recursively.
    package static func expectSame(_ got: [String: Any?], _ want: [String: Any], _ path: String) {
        #expect(Set(got.keys) == Set(want.keys), "\(path): the fields differ")
        for (k, w) in want {
            let g: Any? = got[k] ?? nil
            if let wd = w as? [String: Any] {
                let gd = g as? [String: Any?]
                #expect(gd != nil, "\(path).\(k) is absent")
                if let gd { expectSame(gd, wd, "\(path).\(k)") }
            } else if let b = w as? Bool {
                #expect(g as? Bool == b, "\(path).\(k): \(String(describing: g))")
            } else if let d = w as? Double {
                #expect(g as? Double == d, "\(path).\(k): \(String(describing: g))")
            } else if let i = w as? Int {
                #expect(g as? Int64 == Int64(i), "\(path).\(k): \(String(describing: g))")
            } else {
                #expect(g as? String == w as? String, "\(path).\(k): \(String(describing: g))")
            }
        }
    }

    package static func expectJSON(_ json: String, _ want: [String: Any], _ path: String) {
        let got = try! JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        for (k, w) in want {
            #expect(got[k] != nil, "\(path): the JSON lacks \(k)")
            if let g = got[k] { #expect(text(g) == text(w), "\(path).\(k) in JSON: \(g)") }
        }
    }
}
