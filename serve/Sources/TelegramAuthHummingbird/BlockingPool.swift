import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TelegramAuth

/// Threads of their own for blocking calls (hiredis, libcurl), so that no request waits on the event loop or
/// on Swift's shared executor while Redis or Telegram is slow. Bounded twice: at most `capacity` calls queued
/// or running (beyond that a call fails at once), and a caller waits at most `timeout` for its answer (the
/// call itself ends at the client's own timeout). Both failures are `store_unavailable`: answer 503.
public final class BlockingPool: Sendable {
    /// The pool the middleware uses unless given one: 8 threads, 256 calls, 2 s.
    public static let shared = BlockingPool(name: "blocking calls", threads: 8, capacity: 256, timeout: .seconds(2))

    let name: String
    let threads: NIOThreadPool
    let threadCount: Int
    public let capacity: Int
    public let timeout: TimeAmount
    /// Calls queued or running; and whether the threads have been started (on first use, so a gateway
    /// without a remote store starts none).
    let state = NIOLockedValueBox((admitted: 0, started: false))

    /// - Parameters:
    ///   - name: what the pool serves, for messages ("the session store").
    ///   - threads: how many calls run at once.
    ///   - capacity: how many may be queued or running; at least `threads`.
    ///   - timeout: how long a caller waits for its answer.
    public init(name: String, threads: Int, capacity: Int, timeout: TimeAmount) {
        self.name = name
        threadCount = max(1, threads)
        self.threads = NIOThreadPool(numberOfThreads: threadCount)
        self.capacity = max(threadCount, capacity)
        self.timeout = timeout
    }

    deinit {
        if state.withLockedValue({ $0.started }) { threads.shutdownGracefully { _ in } }
    }

    /// Calls queued or running now.
    public var inFlight: Int { state.withLockedValue { $0.admitted } }

    /// Runs `body` on one of the pool's threads and waits for it, at most `timeout`.
    /// - Throws: `body`'s error; `store_unavailable` when the pool is full or the answer is late.
    public func run<R: Sendable>(_ body: @escaping @Sendable () throws(TelegramAuthError) -> R) async throws(TelegramAuthError) -> R {
        let admitted = state.withLockedValue { s -> Bool in
            guard s.admitted < capacity else { return false }
            s.admitted += 1
            if !s.started {
                s.started = true
                threads.start()
            }
            return true
        }
        guard admitted else {
            throw TelegramAuthError(.storeUnavailable, "\(name) is busy: \(capacity) calls are already waiting")
        }
        let late = TelegramAuthError(.storeUnavailable, "\(name) did not answer within \(timeout.nanoseconds / 1_000_000) ms")
        let result: Result<R, TelegramAuthError> = await withCheckedContinuation { continuation in
            let answer = Answer(continuation)
            let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: timeout) { answer.give(.failure(late)) }
            threads.submit { work in
                defer { self.state.withLockedValue { $0.admitted -= 1 } }
                // a caller that stopped waiting no longer needs the call made
                guard work == .active, answer.isAwaited else { return answer.give(.failure(late)) }
                let result: Result<R, TelegramAuthError>
                do throws(TelegramAuthError) { result = .success(try body()) } catch { result = .failure(error) }
                timer.cancel()
                answer.give(result)
            }
        }
        return try result.get()
    }

    /// A continuation resumed once: by the call, or by the timer, whichever comes first.
    final class Answer<R: Sendable>: Sendable {
        let continuation: NIOLockedValueBox<CheckedContinuation<Result<R, TelegramAuthError>, Never>?>
        init(_ continuation: CheckedContinuation<Result<R, TelegramAuthError>, Never>) { self.continuation = .init(continuation) }
        var isAwaited: Bool { continuation.withLockedValue { $0 != nil } }
        func give(_ result: Result<R, TelegramAuthError>) {
            continuation.withLockedValue { c -> CheckedContinuation<Result<R, TelegramAuthError>, Never>? in
                defer { c = nil }
                return c
            }?.resume(returning: result)
        }
    }
}
