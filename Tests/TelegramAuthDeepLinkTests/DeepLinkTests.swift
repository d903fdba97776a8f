import Foundation
import Synchronization
import Testing

import TelegramAuthTestSupport
@testable import TelegramAuth
@testable import TelegramAuthDeepLink

final class TestClock: Sendable {
    let ms = Atomic<Int64>(1_700_000_000_000)
    func advance(seconds: Double) { ms.add(Int64(seconds * 1000), ordering: .relaxed) }
    var closure: @Sendable () -> Int64 { { [self] in ms.load(ordering: .relaxed) } }
}

/// Bot API updates as Telegram sends them.
enum Updates {
    static let alice = #"{"id":111,"is_bot":false,"first_name":"Alice","last_name":"L","username":"alice","language_code":"en","is_premium":true}"#
    static let mallory = #"{"id":666,"is_bot":false,"first_name":"Mallory"}"#

    static func message(_ text: String, from: String = alice, chat: String = #"{"id":111,"type":"private"}"#) -> [UInt8] {
        let escaped = JSONValue.serialize(.string(text))
        return Array(#"{"update_id":1,"message":{"message_id":5,"from":\#(from),"chat":\#(chat),"date":1700000000,"text":\#(escaped)}}"#.utf8)
    }

    static func callback(_ data: String, from: String = alice) -> [UInt8] {
        Array(#"{"update_id":2,"callback_query":{"id":"cb1","from":\#(from),"message":{"message_id":6,"chat":{"id":111,"type":"private"},"date":1700000001,"text":"Log in?"},"chat_instance":"1","data":"\#(data)"}}"#.utf8)
    }
}

let webhookSecret = "wh-secret_123"

func makeFlow(confirm: Bool = true, clock: TestClock = TestClock(), interval: Int64 = 2, store: (any DeepLinkStore)? = nil) throws -> DeepLinkLogin {
    var c = DeepLinkLogin.Configuration(botUsername: "TgAuthBot")
    c.confirm = confirm
    c.appName = "Acme"
    c.interval = interval
    c.clock = clock.closure
    return try DeepLinkLogin(configuration: c, webhookSecret: webhookSecret, store: store ?? InMemoryDeepLinkStore(clock: clock.closure))
}

@Suite struct DeepLinkTests {
    @Test func startGivesATokenASeparateSecretAndLinks() throws {
        let flow = try makeFlow()
        let s = try flow.start(device: "Chrome on Linux")
        #expect(s.loginToken.count == 22 && s.loginToken.utf8.allSatisfy(DeepLinkLogin.isTokenByte))
        #expect(s.pollSecret.count == 43 && s.pollSecret != s.loginToken && !s.pollSecret.contains(s.loginToken))
        #expect(s.tgLink == "tg://resolve?domain=TgAuthBot&start=" + s.loginToken)
        #expect(s.httpsLink == "https://t.me/TgAuthBot?start=" + s.loginToken)
        #expect(!s.tgLink.contains(s.pollSecret))
        #expect(s.expiresAt == 1_700_000_000 + 300 && s.interval == 2)
        let tokens = Set((0..<200).map { _ in try! flow.start(device: "").loginToken })
        #expect(tokens.count == 200)
    }

    @Test func confirmationOffApprovesAtOnceAndHandsOutOnce() throws {
        let clock = TestClock()
        let flow = try makeFlow(confirm: false, clock: clock)
        let s = try flow.start(device: "iPhone")
        #expect(try flow.poll(pollSecret: s.pollSecret).status == .pending)
        let r = try flow.handleWebhook(body: Updates.message("/start " + s.loginToken), secretHeader: webhookSecret)
        #expect(r.outcome == .approved && r.user?.id == 111)
        let reply = try JSONValue.parse(try #require(r.responseBody))
        #expect(reply["method"]?.stringValue == "sendMessage" && reply["chat_id"]?.int64Value == 111)
        #expect(reply["text"]?.stringValue?.contains("Acme.\nDevice: “iPhone”\n") == true)
        clock.advance(seconds: 2)
        let p = try flow.poll(pollSecret: s.pollSecret)
        #expect(p.status == .approved)
        let u = try #require(p.user)
        #expect(u.id == 111 && u.isBot == false && u.firstName == "Alice" && u.lastName == "L" && u.username == "alice")
        #expect(u.languageCode == "en" && u.isPremium == true && u == r.user)
        clock.advance(seconds: 2)
        #expect(try flow.poll(pollSecret: s.pollSecret).status == .unknown)
        // the token cannot be used again
        let replay = try flow.handleWebhook(body: Updates.message("/start " + s.loginToken), secretHeader: webhookSecret)
        #expect(replay.outcome == .ignored && replay.reason == "already_used" && replay.responseBody != nil)
    }

    @Test func confirmationByTheSameUserOnly() throws {
        let clock = TestClock()
        let flow = try makeFlow(clock: clock)
        let s = try flow.start(device: "Firefox on Windows")
        let r = try flow.handleWebhook(body: Updates.message("/start@tgauthbot  " + s.loginToken), secretHeader: webhookSecret)
        #expect(r.outcome == .confirmationRequested)
        let ask = try JSONValue.parse(try #require(r.responseBody))
        #expect(ask["text"]?.stringValue?.hasPrefix("Log in to Acme?\nDevice: “Firefox on Windows”\n\n") == true)
        guard case .array(let rows)? = ask["reply_markup"]?["inline_keyboard"], case .array(let buttons) = rows[0] else {
            Issue.record("no inline keyboard")
            return
        }
        let ok = try #require(buttons[0]["callback_data"]?.stringValue)
        #expect(ok == "tgauth:ok:" + s.loginToken && ok.utf8.count <= 64)
        #expect(try flow.poll(pollSecret: s.pollSecret).status == .pending)

        let stolen = try flow.handleWebhook(body: Updates.callback(ok, from: Updates.mallory), secretHeader: webhookSecret)
        #expect(stolen.outcome == .refused && stolen.reason == "other_user")
        clock.advance(seconds: 3)
        #expect(try flow.poll(pollSecret: s.pollSecret).status == .pending)

        let yes = try flow.handleWebhook(body: Updates.callback(ok), secretHeader: webhookSecret)
        #expect(yes.outcome == .approved)
        #expect(try JSONValue.parse(try #require(yes.responseBody))["method"]?.stringValue == "editMessageText")
        #expect(yes.additionalCalls.count == 1)
        #expect(try JSONValue.parse(yes.additionalCalls[0])["method"]?.stringValue == "answerCallbackQuery")
        let again = try flow.handleWebhook(body: Updates.callback(ok), secretHeader: webhookSecret)
        #expect(again.outcome == .ignored && again.reason == "already_used")
        clock.advance(seconds: 3)
        #expect(try flow.poll(pollSecret: s.pollSecret).user?.username == "alice")
    }

    @Test func cancelDenies() throws {
        let clock = TestClock()
        let flow = try makeFlow(clock: clock)
        let s = try flow.start(device: "")
        _ = try flow.handleWebhook(body: Updates.message("/start " + s.loginToken), secretHeader: webhookSecret)
        let no = try flow.handleWebhook(body: Updates.callback("tgauth:no:" + s.loginToken), secretHeader: webhookSecret)
        #expect(no.outcome == .denied)
        #expect(try flow.poll(pollSecret: s.pollSecret).status == .denied)
        let late = try flow.handleWebhook(body: Updates.callback("tgauth:ok:" + s.loginToken), secretHeader: webhookSecret)
        #expect(late.outcome == .ignored)
        clock.advance(seconds: 3)
        #expect(try flow.poll(pollSecret: s.pollSecret).status == .denied)
    }

    @Test func aWrongOrMissingSecretChangesNothing() throws {
        let flow = try makeFlow(confirm: false)
        let s = try flow.start(device: "")
        for header in [nil, "", "wh-secret_124", webhookSecret + "x"] as [String?] {
            let e = error { () throws(TelegramAuthError) in try flow.handleWebhook(body: Updates.message("/start " + s.loginToken), secretHeader: header) }
            #expect(e?.kind == .badWebhookSecret)
            #expect(e.map { !$0.detail.contains(webhookSecret) } == true)
        }
        #expect(try flow.poll(pollSecret: s.pollSecret).status == .pending)
    }

    /// A token posted in a group is out: any member could use it. The login is cancelled (the app learns
    /// `denied`), the group is told so, and a member who then sends it privately gets nothing.
    @Test func aTokenPostedInAGroupCancelsTheLogin() throws {
        for confirm in [false, true] {
            let clock = TestClock()
            let flow = try makeFlow(confirm: confirm, clock: clock)
            let s = try flow.start(device: "")
            if confirm {  // the owner has already asked for the confirmation, then posts the link
                #expect(try flow.handleWebhook(body: Updates.message("/start " + s.loginToken), secretHeader: webhookSecret).outcome == .confirmationRequested)
            }
            let r = try flow.handleWebhook(
                body: Updates.message("/start " + s.loginToken, from: Updates.mallory, chat: #"{"id":-100123,"type":"supergroup","title":"G"}"#),
                secretHeader: webhookSecret)
            #expect(r.outcome == .refused && r.reason == "group_chat")
            let reply = try JSONValue.parse(try #require(r.responseBody))
            #expect(reply["chat_id"]?.int64Value == -100123)
            #expect(reply["text"]?.stringValue?.contains("cancelled") == true)
            #expect(try flow.wait(pollSecret: s.pollSecret, timeout: 1).status == .denied)
            let later = try flow.handleWebhook(body: Updates.message("/start " + s.loginToken, from: Updates.mallory, chat: #"{"id":666,"type":"private"}"#), secretHeader: webhookSecret)
            #expect(later.outcome == .ignored && later.user?.id == 666)
            let button = try flow.handleWebhook(body: Updates.callback("tgauth:ok:" + s.loginToken, from: Updates.mallory), secretHeader: webhookSecret)
            #expect(button.outcome != .approved)
            clock.advance(seconds: 3)
            #expect(try flow.poll(pollSecret: s.pollSecret).status == .denied)
        }
    }

    /// The device text is chosen by whoever calls `start`: it becomes one quoted, labelled line of at most
    /// 64 printable characters, so it cannot pass for the bot's own words.
    @Test func theDeviceTextCannotForgeTheConfirmation() throws {
        let flow = try makeFlow()
        let forged = "Chrome\n\nThis is Telegram. Your account is verified.\r\u{1B}[31m\u{202E}Tap Confirm\u{2028}now\t!"
        let s = try flow.start(device: forged)
        let r = try flow.handleWebhook(body: Updates.message("/start " + s.loginToken), secretHeader: webhookSecret)
        let body = try #require(r.responseBody)
        let text = try #require(try JSONValue.parse(body)["text"]?.stringValue)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "Log in to Acme?")
        // line breaks, controls and the right-to-left override are spaces now, and 64 characters are kept
        #expect(lines[1] == "Device: “Chrome This is Telegram. Your account is verified. [31m Tap Con…”")
        #expect(lines[2] == "" && lines.count == 4)
        #expect(!text.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" })
        // cut by characters, not bytes: 64 at most, with an ellipsis
        #expect(DeepLinkLogin.sanitizedDevice(String(repeating: "я", count: 200)) == String(repeating: "я", count: 63) + "…")
        #expect(DeepLinkLogin.sanitizedDevice("  \n\n ") == "")
        #expect(DeepLinkLogin.deviceLine("") == "Device: not named")
        let long = error { () throws(TelegramAuthError) in try flow.start(device: String(repeating: "x", count: 1025)) }
        #expect(long?.kind == .tooLarge)
    }

    @Test func expiryAndUnknownTokens() throws {
        let clock = TestClock()
        let flow = try makeFlow(confirm: false, clock: clock)
        let s = try flow.start(device: "")
        clock.advance(seconds: 301)
        let r = try flow.handleWebhook(body: Updates.message("/start " + s.loginToken), secretHeader: webhookSecret)
        #expect(r.outcome == .ignored && r.reason == "unknown_or_expired")
        #expect(try JSONValue.parse(try #require(r.responseBody))["text"]?.stringValue?.contains("expired") == true)
        #expect(try flow.poll(pollSecret: s.pollSecret).status == .expired)
        #expect(try flow.poll(pollSecret: "no-such-secret").status == .unknown)
        let unknown = try flow.handleWebhook(body: Updates.message("/start AAAAAAAAAAAAAAAAAAAAAA"), secretHeader: webhookSecret)
        #expect(unknown.outcome == .ignored && unknown.reason == "unknown_or_expired")
        // after the grace period the store forgets it
        clock.advance(seconds: 700)
        #expect(try flow.poll(pollSecret: s.pollSecret).status == .unknown)
    }

    @Test func pollingFasterThanTheIntervalIsSlowDown() throws {
        let clock = TestClock()
        let flow = try makeFlow(clock: clock, interval: 5)
        let s = try flow.start(device: "")
        #expect(try flow.poll(pollSecret: s.pollSecret).status == .pending)
        clock.advance(seconds: 1)
        #expect(try flow.poll(pollSecret: s.pollSecret).status == .slowDown)
        clock.advance(seconds: 5)
        #expect(try flow.poll(pollSecret: s.pollSecret) == DeepLinkPoll(status: .pending, user: nil, interval: 5))
    }

    @Test func updatesThatAreNotLoginsAreIgnored() throws {
        let flow = try makeFlow(confirm: false)
        let s = try flow.start(device: "")
        for text in ["hello", "/start", "/startle " + s.loginToken, "/help " + s.loginToken, "/start bad.token!"] {
            let r = try flow.handleWebhook(body: Updates.message(text), secretHeader: webhookSecret)
            #expect(r.outcome == .ignored && r.reason == "not_a_login", "\(text)")
        }
        let other = try flow.handleWebhook(body: Updates.message("/start@OtherBot " + s.loginToken), secretHeader: webhookSecret)
        #expect(other.reason == "other_bot")
        #expect(try flow.handleWebhook(body: Array(#"{"update_id":3,"edited_message":{}}"#.utf8), secretHeader: webhookSecret).outcome == .ignored)
        #expect(try flow.handleWebhook(body: Updates.callback("something-else"), secretHeader: webhookSecret).reason == "not_a_login")
        #expect(kind { () throws(TelegramAuthError) in try flow.handleWebhook(body: Array("{".utf8), secretHeader: webhookSecret) } == .malformed)
        #expect(kind { () throws(TelegramAuthError) in try flow.handleWebhook(body: Array("[]".utf8), secretHeader: webhookSecret) } == .malformed)
        #expect(try flow.poll(pollSecret: s.pollSecret).status == .pending)
    }

    @Test func sixteenConcurrentPollersGetExactlyOneApproval() throws {
        let flow = try makeFlow(confirm: false, interval: 0)
        for _ in 0..<20 {
            let s = try flow.start(device: "")
            _ = try flow.handleWebhook(body: Updates.message("/start " + s.loginToken), secretHeader: webhookSecret)
            let approvals = LockedCounter()
            DispatchQueue.concurrentPerform(iterations: 16) { _ in
                if (try? flow.poll(pollSecret: s.pollSecret))?.status == .approved { approvals.add() }
            }
            #expect(approvals.value == 1)
        }
    }

    @Test func waitWakesWhenTheWebhookApproves() throws {
        let flow = try makeFlow(confirm: false)
        let s = try flow.start(device: "")
        let started = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) {
            _ = try? flow.handleWebhook(body: Updates.message("/start " + s.loginToken), secretHeader: webhookSecret)
        }
        let r = try flow.wait(pollSecret: s.pollSecret, timeout: 10)
        #expect(r.status == .approved && r.user?.id == 111)
        #expect(Date().timeIntervalSince(started) < 5)
        let other = try flow.start(device: "")
        let t0 = Date()
        #expect(try flow.wait(pollSecret: other.pollSecret, timeout: 0.3).status == .pending)
        #expect(Date().timeIntervalSince(t0) >= 0.25)
    }

    @Test func theMemoryStoreIsBoundedAndSwept() throws {
        let clock = TestClock()
        let store = InMemoryDeepLinkStore(capacity: 2, clock: clock.closure)
        let flow = try makeFlow(clock: clock, store: store)
        _ = try flow.start(device: "")
        _ = try flow.start(device: "")
        let full = error { () throws(TelegramAuthError) in try flow.start(device: "") }
        #expect(full?.kind == .storeFull && full?.detail.contains("2") == true)
        clock.advance(seconds: 300 + 601)
        _ = try flow.start(device: "")  // the expired ones were swept
        #expect(store.count == 1)
    }

    /// An expired login gives up its place at once: a store filled by unauthenticated starts is usable
    /// again the moment they expire, not ttl + 600 s later. While it has room, expired logins still answer
    /// `expired`.
    @Test func expiredLoginsFreeTheirPlaceAtOnce() throws {
        let clock = TestClock()
        let store = InMemoryDeepLinkStore(capacity: 1000, clock: clock.closure)
        let flow = try makeFlow(confirm: false, clock: clock, store: store)
        let flood = try (0..<1000).map { _ in try flow.start(device: "bot") }
        #expect(kind { () throws(TelegramAuthError) in try flow.start(device: "") } == .storeFull)
        clock.advance(seconds: 301)
        #expect(try flow.poll(pollSecret: flood[0].pollSecret).status == .expired)  // kept while nothing needs the room
        let mine = try flow.start(device: "mine")
        #expect(store.count == 1000)
        #expect(try flow.poll(pollSecret: flood[0].pollSecret).status == .unknown)  // the oldest made room
        let r = try flow.handleWebhook(body: Updates.message("/start " + mine.loginToken), secretHeader: webhookSecret)
        #expect(r.outcome == .approved)
        #expect(try flow.poll(pollSecret: mine.pollSecret).status == .approved)
        // 999 more fit, in place of the other expired ones; then the live ones hold
        for _ in 0..<999 { _ = try flow.start(device: "") }
        #expect(kind { () throws(TelegramAuthError) in try flow.start(device: "") } == .storeFull)
    }

    @Test func badConfigurationIsRefused() {
        func make(_ bot: String, _ secret: String, ttl: Int64 = 300) -> TelegramAuthError.Kind? {
            var c = DeepLinkLogin.Configuration(botUsername: bot)
            c.ttl = ttl
            return kind { () throws(TelegramAuthError) in try DeepLinkLogin(configuration: c, webhookSecret: secret) }
        }
        #expect(make("", "s") == .invalidArgument)
        #expect(make("bad name", "s") == .invalidArgument)
        #expect(make("bot", "") == .invalidArgument)
        #expect(make("bot", "has space") == .invalidArgument)
        #expect(make("bot", "s", ttl: 0) == .invalidArgument)
        #expect(make("@bot", "s") == nil)
    }

    @Test func jsonReaderIsStrict() throws {
        #expect(try JSONValue.parse(#"{"a":[1,-2.5e3,true,null,"\ud83d\ude00\/"]}"#)["a"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .null, .string("😀/")]))
        #expect(try JSONValue.parse("9223372036854775807").int64Value == Int64.max)
        #expect(try JSONValue.parse("9223372036854775808").int64Value == nil)
        for bad in ["", "{", "[1,]", "{\"a\":1,}", "01", "1.", "\"\\ud800\"", "\"\\x\"", "\"a\u{1}\"", "tru", "{} x", "[" + String(repeating: "[", count: 100) + "]"] {
            #expect(kind { () throws(TelegramAuthError) in try JSONValue.parse(bad) } == .malformed, "\(bad)")
        }
        #expect(kind { () throws(TelegramAuthError) in try JSONValue.parse([0x22, 0xff, 0x22]) } == .malformed)
    }

    @Test func jsonWriterEscapesExactlyWhatJSONRequires() throws {
        let nasty = "a\"b\\c\nd\re\tf\u{1}g\u{1f}h é😀/<\u{7f}"
        #expect(JSONValue.serialize(.string(nasty)) == #""a\"b\\c\nd\re\tf\u0001g\u001fh é😀/<\#u{7f}""#)
        #expect(JSONValue.serialize(.string("plain")) == #""plain""#)
        #expect(JSONValue.serialize(.object([("k\"", .array([.string(""), .number("1"), .null]))])) == #"{"k\"":["",1,null]}"#)
        for text in [nasty, "", "\u{0}", String(repeating: "\"", count: 100), "日本語\n"] {
            #expect(try JSONValue.parse(JSONValue.serialize(.string(text))) == .string(text))
        }
    }
}
