import Foundation

@testable import TelegramAuth
@testable import TelegramAuthDeepLink

/// A real redis-server on loopback, started for one test and stopped after it.
package final class RedisServer {
    package let port: Int
    private var process: Process?

    package init() throws {
        port = Int.random(in: 20_000..<60_000)
        try start()
    }

    package func start() throws {
        let paths = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
        guard let path = paths.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw TelegramAuthError(.storeUnavailable, "redis-server is not installed (make test installs it)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        process = p
        let store = try RedisDeepLinkStore(url: "redis://127.0.0.1:\(port)")
        for _ in 0..<100 {
            if (try? store.ping()) != nil { return }
            usleep(50_000)
        }
        throw TelegramAuthError(.storeUnavailable, "redis-server did not start on port \(port)")
    }

    /// Stops the server: SIGTERM, then SIGKILL if it lingers (no run-loop waiting, which can hang at exit).
    package func stop() {
        guard let p = process else { return }
        process = nil
        let pid = p.processIdentifier
        kill(pid, SIGTERM)
        for _ in 0..<100 {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) != 0 || !p.isRunning { return }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    package var url: String { "redis://127.0.0.1:\(port)/0" }

    deinit { stop() }
}
