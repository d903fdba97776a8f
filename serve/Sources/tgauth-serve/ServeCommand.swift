import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import TelegramAuth
import TelegramAuthServe

/// `tgauth-serve`: its options are declared once, in `ForwardAuthConfiguration.options` (flags, environment
/// variables and the help come from there); this starts the server they describe.
@main
enum ServeCommand {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.contains("--help") || arguments.contains("-h") {
            print(ForwardAuthConfiguration.help, terminator: "")
            return
        }
        do {
            try await serve(try ForwardAuthConfiguration.parse(arguments: arguments, environment: ProcessInfo.processInfo.environment))
        } catch let error as TelegramAuthError {
            fail(error.detail)
        } catch {
            fail("\(error)")
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("tgauth-serve: error: \(TelegramAuthError.escapingControlCharacters(message))\n".utf8))
        exit(64)
    }

    static func serve(_ configuration: ForwardAuthConfiguration) async throws {
        let server = try ForwardAuthServer(configuration)
        let (host, port) = try address(configuration.listen)
        // every connection is a file descriptor: take all the hard limit allows (systemd gives a soft 1,024), and
        // keep 64 for Redis, HTTPS and logs
        let files = OpenFileLimit.raiseToHard()
        let connections = configuration.maxConnections ?? max(1, files - 64)
        guard connections <= files - 16 else {
            throw TelegramAuthError(.invalidArgument, "--max-connections \(connections) needs more open files than the limit allows (\(files))")
        }
        guard let level = Logger.Level(rawValue: configuration.logLevel) else {
            throw TelegramAuthError(.invalidArgument, "--log-level takes trace, debug, info, notice, warning, error or critical")
        }
        LoggingSystem.bootstrap(BufferedLogHandler.standardOutput)
        defer { BufferedLogHandler.flush() }
        var logger = Logger(label: "tgauth-serve")
        logger.logLevel = level
        // an idle or slow client is dropped after 30 s; headers over 64 KiB are refused by the decoder (400), and
        // the server's own limits below that answer 431 (HeaderLimits)
        let http1 = HTTP1Channel.Configuration(
            idleTimeout: .seconds(30),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: 64 * 1024, maxHeaderListSize: 64 * 1024, maxHeaderFieldCount: 100))
        let app = Application(
            router: server.router(logger: logger), server: .http1(configuration: http1),
            configuration: .init(
                address: .hostname(host, port: port), serverName: nil,
                availableConnectionsDelegate: .maximum(connections, logger: logger)),
            logger: logger)
        try await app.runService()
    }

    static func address(_ text: String) throws(TelegramAuthError) -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), port > 0, port < 65536 else {
            throw TelegramAuthError(.invalidArgument, "--listen takes HOST:PORT")
        }
        return (String(text[..<colon]), port)
    }
}
