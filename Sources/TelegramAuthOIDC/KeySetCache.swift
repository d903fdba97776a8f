import TelegramAuth

/// The key set an `OIDCClient` verifies with: one the caller gives (and replaces at any time), or one fetched
/// over HTTPS and cached.
///
/// Fetched sets live as long as their `Cache-Control: max-age` says (an hour when it says nothing, never less
/// than a minute). An unknown `kid` fetches the set again at once, then at most once a minute. When a fetch
/// fails, the last good set stays in use and the next attempt waits a minute. One fetch runs at a time: while
/// it does, the other threads go on with the set they have, or, before any set was fetched, wait for it (at
/// most the fetch's timeout) and use what it brought.
public final class KeySetCache: Sendable {
    /// Seconds a fetched set is kept when its answer names no max-age.
    public static let defaultMaxAge: Int64 = 3600
    /// The shortest time between two fetches after an unknown kid, and after a failed fetch; also the shortest
    /// a fetched set is kept.
    public static let refetchInterval: Int64 = 60

    /// A fetched key set and how long it may be kept (seconds, nil when the answer did not say).
    public typealias Fetch = @Sendable () throws(TelegramAuthError) -> (keys: JSONWebKeySet, maxAge: Int64?)

    struct State {
        var keys: JSONWebKeySet?
        var expiresAt: Int64 = 0
        var nextAttempt: Int64 = 0
        var lastUnknownKeyFetch: Int64?
        var fetching = false
        var lastFailure: TelegramAuthError?
    }

    let state: Locked<State>
    let fetch: Fetch?
    let clock: @Sendable () -> Int64
    /// The longest a thread waits for another's first fetch, in seconds.
    let waitSeconds: Double

    /// A set the caller gives and replaces (`replace(with:)`); nothing is fetched.
    public init(keys: JSONWebKeySet) {
        state = Locked(State(keys: keys, expiresAt: .max))
        fetch = nil
        clock = { SystemClock.unixTime() }
        waitSeconds = 0
    }

    /// A set fetched from `url` with `client`, first when a verification needs it.
    public convenience init(url: String, client: HTTPSClient) {
        self.init(
            fetch: { () throws(TelegramAuthError) in try KeySetCache.download(url, client) }, clock: { SystemClock.unixTime() },
            waitSeconds: client.timeout)
    }

    /// A set fetched by `fetch`, with `clock` for the cache's times (tests give both); a thread waits at most
    /// `waitSeconds` for another's first fetch.
    public init(fetch: @escaping Fetch, clock: @escaping @Sendable () -> Int64, waitSeconds: Double = HTTPSClient.defaultTimeout) {
        state = Locked(State())
        self.fetch = fetch
        self.clock = clock
        self.waitSeconds = waitSeconds
    }

    /// Puts in a set given by the caller; it is kept until the next replacement or fetch.
    public func replace(with keys: JSONWebKeySet) {
        let now = clock()
        state.withLock { s in
            s.keys = keys
            s.expiresAt = fetch == nil ? .max : now + Self.defaultMaxAge
        }
    }

    private enum Step { case use(JSONWebKeySet), fetch, wait, fail(TelegramAuthError) }

    /// The set to verify with now.
    /// - Throws: `network` when no set was ever fetched and the last attempt failed.
    public func current() throws(TelegramAuthError) -> JSONWebKeySet {
        let now = clock()
        let step: Step = state.withLock { s in
            if let keys = s.keys, now < s.expiresAt || s.fetching || now < s.nextAttempt { return .use(keys) }
            if s.keys == nil, now < s.nextAttempt, let failure = s.lastFailure { return .fail(failure) }
            if s.fetching { return .wait }  // the first fetch is under way
            s.fetching = true
            return .fetch
        }
        switch step {
        case .use(let keys): return keys
        case .fail(let failure): throw failure
        case .wait:
            return try state.wait(seconds: waitSeconds, until: { !$0.fetching }) { (s, done) -> Result<JSONWebKeySet, TelegramAuthError> in
                if let keys = s.keys { return .success(keys) }
                guard done else { return .failure(TelegramAuthError(.network, "the key set is still being fetched by another thread")) }
                return .failure(s.lastFailure ?? TelegramAuthError(.network, "the key set could not be fetched"))
            }.get()
        case .fetch:
            if let keys = refetch(now: now) { return keys }
            let (kept, failure) = state.withLock { ($0.keys, $0.lastFailure) }
            if let kept { return kept }  // the last good set
            throw failure ?? TelegramAuthError(.network, "the key set could not be fetched")
        }
    }

    /// After an unknown `kid`: the set fetched again, or nil when the last such fetch was under a minute ago, the
    /// fetch failed, or the set is the caller's.
    public func refreshForUnknownKey() -> JSONWebKeySet? {
        guard fetch != nil else { return nil }
        let now = clock()
        let allowed = state.withLock { s -> Bool in
            if let last = s.lastUnknownKeyFetch, now - last < Self.refetchInterval { return false }
            s.lastUnknownKeyFetch = now
            s.fetching = true
            return true
        }
        return allowed ? refetch(now: now) : nil
    }

    /// Why the last fetch failed, when it did (for the message of an unknown_key).
    var lastFailure: TelegramAuthError? { state.withLock { $0.lastFailure } }

    /// Fetches and records the outcome (`fetching` was set by the caller). Returns the new set, nil on failure.
    private func refetch(now: Int64) -> JSONWebKeySet? {
        guard let fetch else { return nil }
        do {
            let (keys, maxAge) = try fetch()
            let keep = max(maxAge ?? Self.defaultMaxAge, Self.refetchInterval)
            state.withLockAndWake { s in
                s.keys = keys
                s.expiresAt = now + keep
                s.fetching = false
                s.lastFailure = nil
            }
            return keys
        } catch {
            state.withLockAndWake { s in
                s.fetching = false
                s.nextAttempt = now + Self.refetchInterval
                s.lastFailure = error
            }
            return nil
        }
    }

    /// GETs a key set: an HTTP status other than 200, or an answer that is not a key set, is a failed fetch.
    static func download(_ url: String, _ client: HTTPSClient) throws(TelegramAuthError) -> (keys: JSONWebKeySet, maxAge: Int64?) {
        let answer = try client.get(url)
        guard answer.status == 200 else {
            throw TelegramAuthError(.network, "GET \(HTTPSClient.origin(url)): HTTP \(answer.status)")
        }
        do {
            let keys = try JSONWebKeySet(json: answer.body)
            return (keys, answer.noStore ? 0 : answer.maxAge.map(Int64.init))
        } catch {
            throw TelegramAuthError(.network, "GET \(HTTPSClient.origin(url)): not a usable key set (\(error.detail))")
        }
    }
}
