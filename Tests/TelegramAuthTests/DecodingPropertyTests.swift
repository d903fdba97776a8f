import CQueryKernel
import Testing

import TelegramAuthTestSupport
@testable import TelegramAuth

/// The word-at-a-time decoders against simple reference rules, on random data with every encoding mixed:
/// plain bytes, `%XX` in either case, `+` for a space, escapes straddling 8-byte words, non-ASCII text.
@Suite struct DecodingPropertyTests {
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let alphabet: [String] = [
        "a", "b", "Z", "0", "9", "_", "-", ".", " ", "+", "%", "&", "=", "/", "\"", "\\", "é", "я", "𝄞", "~", "*", "{",
    ]

    func randomText(_ g: inout Generator, maxLength: Int) -> String {
        let n = Int.random(in: 0...maxLength, using: &g)
        return (0..<n).map { _ in Self.alphabet.randomElement(using: &g)! }.joined()
    }

    /// Encodes each byte by a random choice among the spellings a decoder must accept.
    func randomlyEncoded(_ text: String, _ g: inout Generator) -> String {
        var out = ""
        for b in text.utf8 {
            let plainAllowed = (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == 0x5F || b == 0x2D
                || b == 0x2E || b == 0x7E || b == 0x2A || b == 0x2F
            let hex = Array("0123456789abcdef".utf8)
            switch Int.random(in: 0..<3, using: &g) {
            case 0 where plainAllowed:
                out.unicodeScalars.append(Unicode.Scalar(b))
            case 1 where b == 0x20:
                out += "+"
            default:
                let upper = Bool.random(using: &g)
                let digits = [hex[Int(b >> 4)], hex[Int(b & 15)]].map { upper && $0 >= 0x61 ? $0 - 0x20 : $0 }
                out += "%" + String(decoding: digits, as: UTF8.self)
            }
        }
        return out
    }

    /// Whatever a query kernel accepts, the exact parser must accept with the same fields and bytes. Valid
    /// query strings are mutated byte by byte (the special bytes above all) so that both accepting and
    /// rejecting paths run, and each mutation goes through every kernel this CPU runs, called directly.
    @Test func queryKernelsNeverAcceptWhatTheExactParserRefuses() throws {
        var g = Generator(state: 0xFA57)
        let specials: [UInt8] = Array("%&=+\n\0".utf8) + [0x0A, 0x00, 0x09, 0xC3, 0x80, 0xFF] + Array("0aFg=".utf8)
        var refused = 0
        var accepted: [String: Int] = [:]
        let kernels = Array((0...).lazy.map { tg_query_kernel_at($0) }.prefix { $0 != nil }.map { $0!.pointee })
            .filter { $0.supported() != 0 }
        let names = kernels.map { String(cString: $0.name) }
        for _ in 0..<4000 {
            var fields: [String] = []
            for _ in 0..<Int.random(in: 1...4, using: &g) {
                let key = randomlyEncoded(randomText(&g, maxLength: 6).filter { $0 != "=" }, &g)
                fields.append((key.isEmpty ? "k" : key) + "=" + randomlyEncoded(randomText(&g, maxLength: 30), &g))
            }
            var bytes = Array(fields.joined(separator: "&").utf8)
            for _ in 0..<Int.random(in: 0...2, using: &g) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &g)
                switch Int.random(in: 0..<3, using: &g) {
                case 0: bytes[at] = specials.randomElement(using: &g)!
                case 1: bytes.insert(specials.randomElement(using: &g)!, at: at)
                default: bytes.remove(at: at)
                }
            }
            guard !bytes.isEmpty else { continue }
            try bytes.withUnsafeBufferPointer { input in
                let exact = FieldParser.storage(forQuery: input)
                var exactParser = FieldParser(storage: exact)
                var exactError: TelegramAuthError?
                do throws(TelegramAuthError) { try exactParser.parseQueryExact(input.baseAddress!, input.count) } catch { exactError = error }
                for (kernel, name) in zip(kernels, names) {
                    let fast = FieldParser.storage(forQuery: input)
                    var fastParser = FieldParser(storage: fast)
                    if fastParser.parseQueryVector(input.baseAddress!, input.count, kernel: kernel) {
                        accepted[name, default: 0] += 1
                        #expect(exactError == nil, "kernel \(name) accepted what the exact parser refuses: \(bytes)")
                        #expect(fastParser.count == exactParser.count)
                        for i in 0..<min(fastParser.count, exactParser.count) {
                            #expect(Array(fast.bytes(fastParser.table[i].key)) == Array(exact.bytes(exactParser.table[i].key)), "\(bytes)")
                            #expect(Array(fast.bytes(fastParser.table[i].value)) == Array(exact.bytes(exactParser.table[i].value)), "\(bytes)")
                        }
                    } else if name == "generic" {
                        refused += 1
                    }
                }
                // and the parser as a whole answers exactly as the exact parser does
                let whole = FieldParser.storage(forQuery: input)
                var wholeParser = FieldParser(storage: whole)
                var wholeError: TelegramAuthError?
                do throws(TelegramAuthError) { try wholeParser.parseQuery(input) } catch { wholeError = error }
                #expect(wholeError?.description == exactError?.description)
                #expect(wholeParser.count == (exactError == nil ? exactParser.count : wholeParser.count))
            }
        }
        // both outcomes must have been exercised for the test to mean anything
        #expect(names.first == "generic" && refused > 500)
        for name in names { #expect(accepted[name, default: 0] > 500, "kernel \(name)") }
        print("query kernels accepted: \(accepted) (generic declined \(refused))")
    }

    /// Whatever user object the typed reader accepts, the general JSON reader (`JSONValue`) accepts too, with
    /// the same id and first name and no member name twice (decoded, so `i\u0064` is `id`). Objects mix known
    /// and unknown members, every value type, escapes, whitespace, duplicates and missing members, and are
    /// then mutated byte by byte.
    @Test func userReaderAgreesWithTheJSONReaderAndRefusesDuplicates() throws {
        var g = Generator(state: 0x05E2)
        let names = ["id", "first_name", "last_name", "username", "language_code", "photo_url", "is_bot", "is_premium",
                     "added_to_attachment_menu", "allows_write_to_pm", "type", "title", "x", "", "i\\u0064"]
        func string(_ g: inout Generator) -> String {
            // mostly what Telegram sends (text, `\/`), sometimes every other escape too
            let plain = ["a", "Z", " ", "é", "я", "𝄞", "\\/", "/", ".", ":", ",", "{", "}", "["]
            let pieces = Int.random(in: 0..<4, using: &g) == 0 ? plain + ["\\\\", "\\\"", "\\n", "\\u00e9", "\\/"] : plain
            return "\"" + (0..<Int.random(in: 0...40, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined() + "\""
        }
        func value(_ g: inout Generator, for name: String) -> String {
            switch Int.random(in: 0..<30, using: &g) {
            case 0, 1, 2: return string(&g)
            case 3: return Bool.random(using: &g) ? "true" : "false"
            case 4: return ["0", "-0", "7", "-42", "01", "1.5", "2e3", "123456789012345678", "1234567890123456789"].randomElement(using: &g)!
            case 5: return "null"
            case 6: return ["{}", "[1,2]", "{\"a\":[true]}"].randomElement(using: &g)!
            default:
                switch name {
                case "id": return String(Int64.random(in: -1_000_000_000_000...9_000_000_000_000_000, using: &g))
                case "is_bot", "is_premium", "added_to_attachment_menu", "allows_write_to_pm": return Bool.random(using: &g) ? "true" : "false"
                default: return string(&g)
                }
            }
        }
        var accepted = 0
        var refused = 0
        for _ in 0..<6000 {
            var members = ["id", "first_name"].filter { _ in Int.random(in: 0..<8, using: &g) != 0 }
            members += (0..<Int.random(in: 0...6, using: &g)).map { _ in names.randomElement(using: &g)! }
            members.shuffle(using: &g)
            if Int.random(in: 0..<3, using: &g) == 0 {
                // Telegram's own order
                let order = ["id", "first_name", "last_name", "username", "language_code", "is_premium",
                             "added_to_attachment_menu", "allows_write_to_pm", "photo_url"]
                members.sort { (order.firstIndex(of: $0) ?? order.count) < (order.firstIndex(of: $1) ?? order.count) }
            }
            let space = Int.random(in: 0..<6, using: &g) == 0 ? " " : ""
            var text = "{" + members.map { "\"\($0)\"" + space + ":" + value(&g, for: $0) }.joined(separator: "," + space) + "}"
            if Int.random(in: 0..<4, using: &g) == 0, !text.isEmpty {
                var bytes = Array(text.utf8)
                let at = Int.random(in: 0..<bytes.count, using: &g)
                switch Int.random(in: 0..<3, using: &g) {
                case 0: bytes[at] = Array("\"\\/:,{}01tn \t".utf8).randomElement(using: &g)!
                case 1: bytes.insert(Array("\"\\/:,{} ".utf8).randomElement(using: &g)!, at: at)
                default: bytes.remove(at: at)
                }
                text = String(decoding: bytes, as: UTF8.self)
            }
            let json = Array(text.utf8)
            guard !json.isEmpty else { continue }
            try json.withUnsafeBufferPointer { input in
                var parser = FieldParser(storage: FieldParser.storage(forQuery: input))
                guard let user = try? parser.parseUser((input.baseAddress!, input.count), context: "user") else {
                    refused += 1
                    return
                }
                accepted += 1
                let tree = try #require(try? JSONValue.parse(json), "the user reader accepted what JSONValue refuses: \(text)")
                #expect(tree["id"]?.int64Value == user.int(0), "\(text)")  // members 0 and 1 of WebAppUser: id, first_name
                #expect(tree["first_name"]?.stringValue == parser.storage.string(user.slice(1)), "\(text)")
                guard case .object(let members) = tree else { return #expect(Bool(false), "not an object: \(text)") }
                #expect(Set(members.map { Array($0.0.utf8) }).count == members.count, "a duplicate member passed: \(text)")
            }
        }
        #expect(accepted > 400 && refused > 400, "accepted \(accepted), refused \(refused)")
    }

    @Test func widgetFieldsDecodeExactlyUnderAnyEncoding() throws {
        let token = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
        let verifier = try LoginWidgetVerifier(botToken: token)
        var g = Generator(state: 20261121)
        for round in 0..<400 {
            var fields: [(String, String)] = [("id", "\(round + 1)"), ("first_name", randomText(&g, maxLength: 40))]
            for i in 0..<Int.random(in: 0...4, using: &g) {
                fields.append(("x\(i)_" + randomText(&g, maxLength: 5).filter { $0.isLetter }, randomText(&g, maxLength: 70)))
            }
            let signed = try TelegramSigning.signWidget(botToken: token, fields: fields, authDate: 1_700_000_000)
            let query = signed.map { randomlyEncoded($0.key, &g) + "=" + randomlyEncoded($0.value, &g) }.joined(separator: "&")
            let user = try verifier.verify(query, options: ValidationOptions(maxAge: nil))
            #expect(user.firstName == fields[1].1, "round \(round): \(query)")
            let extras = Dictionary(uniqueKeysWithValues: user.extras.map { ($0.key, $0.value) })
            for (k, v) in fields.dropFirst(2) { #expect(extras[k] == v, "round \(round): \(k) in \(query)") }
        }
    }

    @Test func userJSONStringsDecodeExactly() throws {
        let token = "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8"
        let validator = try MiniAppValidator(botToken: token)
        var g = Generator(state: 42)
        for round in 0..<300 {
            let first = randomText(&g, maxLength: 30)
            let last = randomText(&g, maxLength: 30)
            func json(_ s: String) -> String {
                var out = "\""
                for u in s.unicodeScalars {
                    switch u {
                    case "\"": out += "\\\""
                    case "\\": out += "\\\\"
                    case "/": out += Bool.random(using: &g) ? "\\/" : "/"
                    case "é": out += Bool.random(using: &g) ? "\\u00e9" : "é"
                    case "𝄞": out += Bool.random(using: &g) ? "\\ud834\\udd1e" : "𝄞"
                    default: out.unicodeScalars.append(u)
                    }
                }
                return out + "\""
            }
            let user = "{\"id\":\(round + 9_007_199_254_740_993),\(json("first_name")):\(json(first)),\"last_name\":\(json(last))}"
            let signed = try TelegramSigning.signInitData(
                botToken: token, fields: [("user", user), ("chat_instance", "-1")], authDate: 1_700_000_000)
            let data = try validator.validate(signed, options: ValidationOptions(maxAge: nil))
            #expect(data.user?.id == Int64(round) + 9_007_199_254_740_993)
            #expect(data.user?.firstName == first, "round \(round): \(user)")
            #expect(data.user?.lastName == last, "round \(round): \(user)")
        }
    }
}

/// The duplicate-member check keeps its first 16 names on the stack and the rest in an array: a name repeated
/// on either side of that line, or across it, is refused; 40 distinct names are not.
@Suite struct DuplicateMemberTests {
    static func object(_ names: [String]) -> [UInt8] {
        Array(("{" + names.map { "\"\($0)\":1" }.joined(separator: ",") + "}").utf8)
    }

    @Test func aRepeatAnywhereInALargeObjectIsRefused() throws {
        let names = (0..<40).map { "m\($0)" }
        _ = try JSONValue.parse(Self.object(names))
        for (first, again) in [(3, 10), (3, 30), (20, 35), (15, 16), (0, 39)] {
            var repeated = names
            repeated[again] = names[first]
            #expect(throws: TelegramAuthError.self) { try JSONValue.parse(Self.object(repeated)) }
        }
    }
}
