import Dispatch
import Foundation
import Logging

/// tgauth-serve's swift-log handler: each line as swift-log's `StreamLogHandler` writes it (time, level,
/// label, `[source]`, message, metadata), to standard output in batches. `StreamLogHandler` formats the local
/// time and flushes standard output for every line, which on a busy server is one clock format and one
/// write per request; here the time text is made once a second and the lines are written every 100 ms, at
/// once for warnings and worse, and when the process ends.
public struct BufferedLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let sink: LogSink

    /// For `LoggingSystem.bootstrap`: every logger of the process writes to the one sink on standard output.
    public static func standardOutput(label: String) -> BufferedLogHandler {
        BufferedLogHandler(label: label, sink: .standardOutput)
    }

    init(label: String, sink: LogSink) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let explicit = event.metadata { all.merge(explicit) { _, new in new } }
        var line = "\(sink.timestamp()) \(event.level) \(label): [\(event.source)] \(event.message)"
        for (key, value) in all.sorted(by: { $0.key < $1.key }) { line += " \(key)=\(value)" }
        line += "\n"
        sink.write(line, now: event.level >= .warning)
    }

    /// Writes what is buffered (tgauth-serve calls it when it stops).
    public static func flush() { LogSink.standardOutput.flush() }
}

/// The lines waiting for standard output, and the timer that writes them.
final class LogSink: @unchecked Sendable {
    static let standardOutput = LogSink(fd: STDOUT_FILENO)

    private let lock = NSLock()
    private var pending: [UInt8] = []
    private var second: Int = -1
    private var secondText = ""
    private let timer: DispatchSourceTimer
    private let fd: Int32

    init(fd: Int32) {
        self.fd = fd
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "tgauth-serve log"))
        timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100))
        timer.setEventHandler { [weak self] in self?.flush() }
        timer.resume()
        if fd == STDOUT_FILENO { atexit { LogSink.standardOutput.flush() } }
    }

    deinit { timer.cancel() }

    /// The local time as `StreamLogHandler` writes it (`2026-12-03T02:10:16+0000`), made once per second.
    func timestamp() -> String {
        var now = time(nil)
        lock.lock()
        defer { lock.unlock() }
        if now != second {
            var local = tm()
            localtime_r(&now, &local)
            var text = [CChar](repeating: 0, count: 32)
            strftime(&text, text.count, "%Y-%m-%dT%H:%M:%S%z", &local)
            secondText = String(cString: text)
            second = now
        }
        return secondText
    }

    func write(_ line: String, now: Bool) {
        lock.lock()
        pending.append(contentsOf: line.utf8)
        let full = pending.count >= 64 * 1024
        lock.unlock()
        if now || full { flush() }
    }

    func flush() {
        lock.lock()
        let bytes = pending
        pending.removeAll(keepingCapacity: true)
        lock.unlock()
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { raw in
            var at = 0
            while at < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + at, raw.count - at)
                if n > 0 { at += n } else if errno != EINTR { return }
            }
        }
    }
}
