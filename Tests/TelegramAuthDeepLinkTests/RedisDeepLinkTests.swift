import Foundation
import Testing

import TelegramAuthTestSupport
@testable import TelegramAuth
@testable import TelegramAuthDeepLink
@testable import TelegramAuthRedis

@Suite(.serialized) struct RedisDeepLinkTests {
    func instance(_ redis: RedisServer, clock: TestClock, confirm: Bool = true, interval: Int64 = 2) throws -> DeepLinkLogin {
        try makeFlow(confirm: confirm, clock: clock, interval: interval, store: RedisDeepLinkStore(url: redis.url))
    }

    @Test func startWebhookAndPollOnThreeInstances() throws {
        let redis = try RedisServer()
        let clock = TestClock()
        let (a, b, c) = (try instance(redis, clock: clock), try instance(redis, clock: clock), try instance(redis, clock: clock))
        let s = try a.start(device: "Pixel 8")
        #expect(try c.poll(pollSecret: s.pollSecret).status == .pending)
        let ask = try b.handleWebhook(body: Updates.message("/start " + s.loginToken), secretHeader: webhookSecret)
        #expect(ask.outcome == .confirmationRequested && ask.responseBody?.contains("Pixel 8") == true)
        let stolen = try a.handleWebhook(body: Updates.callback("tgauth:ok:" + s.loginToken, from: Updates.mallory), secretHeader: webhookSecret)
        #expect(stolen.outcome == .refused)
        clock.advance(seconds: 2)
        #expect(try c.poll(pollSecret: s.pollSecret).status == .pending)
        #expect(try b.handleWebhook(body: Updates.callback("tgauth:ok:" + s.loginToken), secretHeader: webhookSecret).outcome == .approved)
        clock.advance(seconds: 2)
        let p = try c.poll(pollSecret: s.pollSecret)
        #expect(p.status == .approved && p.user?.id == 111 && p.user?.isPremium == true)
        #expect(try a.poll(pollSecret: s.pollSecret).status == .unknown)
        #expect(try a.handleWebhook(body: Updates.message("/start " + s.loginToken), secretHeader: webhookSecret).reason == "already_used")
    }

    @Test func sixteenConcurrentPollersOnSeparateConnectionsGetOneApproval() throws {
        let redis = try RedisServer()
        let clock = TestClock()
        let instances = try (0..<4).map { _ in try instance(redis, clock: clock, confirm: false, interval: 0) }
        for round in 0..<10 {
            let s = try instances[round % 4].start(device: "")
            _ = try instances[(round + 1) % 4].handleWebhook(body: Updates.message("/start " + s.loginToken), secretHeader: webhookSecret)
            let approvals = LockedCounter(), failures = LockedCounter()
            DispatchQueue.concurrentPerform(iterations: 16) { i in
                do {
                    if try instances[i % 4].poll(pollSecret: s.pollSecret).status == .approved { approvals.add() }
                } catch { failures.add() }
            }
            #expect(approvals.value == 1 && failures.value == 0)
        }
    }

    @Test func waitWakesAcrossInstances() throws {
        let redis = try RedisServer()
        let clock = TestClock()
        let (a, b) = (try instance(redis, clock: clock, confirm: false), try instance(redis, clock: clock, confirm: false))
        let s = try a.start(device: "")
        let t0 = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) {
            _ = try? b.handleWebhook(body: Updates.message("/start " + s.loginToken), secretHeader: webhookSecret)
        }
        let r = try a.wait(pollSecret: s.pollSecret, timeout: 10)
        #expect(r.status == .approved && r.user?.firstName == "Alice")
        #expect(Date().timeIntervalSince(t0) < 3)
        let other = try a.start(device: "")
        #expect(try b.wait(pollSecret: other.pollSecret, timeout: 0.3).status == .pending)
    }

    @Test func keysAreHashesWithRedisTTLs() throws {
        let redis = try RedisServer()
        let store = try RedisDeepLinkStore(url: redis.url)
        let flow = try makeFlow(confirm: false, clock: TestClock(), store: store)
        let s = try flow.start(device: "secret-device-name")
        _ = try flow.handleWebhook(body: Updates.message("/start " + s.loginToken), secretHeader: webhookSecret)
        let keys: [String] = try store.redis.withConnection { (c) throws(TelegramAuthError) in
            guard case .array(let items) = try store.redis.run(c, ["KEYS", "*"]) else { return [] }
            return items.compactMap(RedisClient.text)
        }
        #expect(keys.count == 3)  // token index, record, notification
        for key in keys {
            #expect(key.hasPrefix("tgauth:dl:tgauthbot:"))
            #expect(!key.contains(s.loginToken) && !key.contains(s.pollSecret))
            let ttl: Int64 = try store.redis.withConnection { (c) throws(TelegramAuthError) in
                if case .integer(let t) = try store.redis.run(c, ["TTL", key]) { return t }
                return -99
            }
            #expect(ttl > 0 && ttl <= 900)
        }
    }

    @Test func aRedisThatStopsGivesAClearErrorAndRecovers() throws {
        let redis = try RedisServer()
        let clock = TestClock()
        let flow = try instance(redis, clock: clock, confirm: false)
        let s = try flow.start(device: "")
        redis.stop()
        let e = error { () throws(TelegramAuthError) in try flow.poll(pollSecret: s.pollSecret) }
        #expect(e?.kind == .storeUnavailable)
        #expect(e?.detail.contains("127.0.0.1:\(redis.port)") == true)
        #expect(kind { () throws(TelegramAuthError) in try flow.handleWebhook(body: Updates.message("/start " + s.loginToken), secretHeader: webhookSecret) } == .storeUnavailable)
        #expect(kind { () throws(TelegramAuthError) in try flow.start(device: "") } == .storeUnavailable)
        #expect(kind { () throws(TelegramAuthError) in try flow.wait(pollSecret: s.pollSecret, timeout: 1) } == .storeUnavailable)
        try redis.start()  // an empty Redis on the same port: the old login is gone, new ones work
        #expect(try flow.poll(pollSecret: s.pollSecret).status == .unknown)
        let again = try flow.start(device: "")
        #expect(try flow.handleWebhook(body: Updates.message("/start " + again.loginToken), secretHeader: webhookSecret).outcome == .approved)
    }

    @Test func urlsAreChecked() throws {
        for bad in ["http://x", "redis://", "redis://h:0", "redis://h:70000", "redis://h/x"] {
            #expect(kind { () throws(TelegramAuthError) in try RedisDeepLinkStore(url: bad) } == .invalidArgument, "\(bad)")
        }
        let s = try RedisDeepLinkStore(url: "redis://:pw@example.org:6380/3")
        #expect(s.host == "example.org" && s.port == 6380 && s.database == 3)
        let nobody = try RedisDeepLinkStore(url: "redis://127.0.0.1:1", timeout: 0.5)
        #expect(kind { () throws(TelegramAuthError) in try nobody.ping() } == .storeUnavailable)
    }
}
