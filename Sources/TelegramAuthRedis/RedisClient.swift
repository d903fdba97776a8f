import CHiredis
import TelegramAuth

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Redis through hiredis, for the stores that share state between processes (deep-link logins, sessions):
/// the URL, a small pool of connections, commands one at a time or pipelined. A Redis that is down gives
/// `store_unavailable`, and the next call reconnects.
package final class RedisClient: Sendable {
    package enum Reply {
        case string([UInt8])
        case integer(Int64)
        case array([Reply])
        case status(String)
        case error(String)
        case null

        /// The reply's RESP type, for a message (never its contents).
        package var typeName: String {
            switch self {
            case .string: "bulk string"
            case .integer: "integer"
            case .array: "array"
            case .status: "status"
            case .error: "error"
            case .null: "null"
            }
        }
    }

    package final class Connection: @unchecked Sendable {
        package let context: UnsafeMutablePointer<redisContext>
        init(_ context: UnsafeMutablePointer<redisContext>) { self.context = context }
        deinit { redisFree(context) }
    }

    package let host: String
    package let port: Int32
    package let database: Int
    let password: String?
    /// Seconds allowed for connecting and for each command (a blocking wait adds its own timeout).
    package let timeout: Double
    let idle = Locked<[Connection]>([])

    /// - Parameters:
    ///   - url: `redis://[:password@]host[:port][/db]`.
    ///   - password: the password, when it is not in the URL (a URL's shows in `ps`); it wins over the URL's.
    ///   - timeout: seconds for connecting and for each command.
    /// - Throws: `invalid_argument` for a URL that is not of that form. Connecting happens on first use.
    package init(url: String, password: String? = nil, timeout: Double = 2) throws(TelegramAuthError) {
        guard url.hasPrefix("redis://") else { throw .invalidArgument("a Redis URL starts with redis://") }
        var rest = Substring(url.dropFirst(8))
        var urlPassword: String?
        if let at = rest.lastIndex(of: "@") {
            let auth = rest[..<at]
            urlPassword = auth.hasPrefix(":") ? String(auth.dropFirst()) : String(auth)
            rest = rest[rest.index(after: at)...]
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let db = rest[rest.index(after: slash)...]
            if !db.isEmpty {
                guard let n = Int(db), n >= 0 else { throw .invalidArgument("the Redis database must be a number") }
                database = n
            }
            rest = rest[..<slash]
        }
        var port: Int32 = 6379
        if let colon = rest.lastIndex(of: ":") {
            guard let p = Int32(rest[rest.index(after: colon)...]), p > 0, p < 65536 else {
                throw .invalidArgument("the Redis port must be 1-65535")
            }
            port = p
            rest = rest[..<colon]
        }
        guard !rest.isEmpty else { throw .invalidArgument("the Redis URL has no host") }
        guard timeout > 0 else { throw .invalidArgument("the timeout must be positive") }
        self.host = String(rest)
        self.port = port
        self.database = database
        self.password = password ?? urlPassword
        self.timeout = timeout
    }

    package var endpoint: String { "Redis at \(host):\(port)" }

    package static func duration(_ seconds: Double) -> timeval {
        timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1e6))
    }

    func connect() throws(TelegramAuthError) -> Connection {
        guard let ctx = redisConnectWithTimeout(host, port, Self.duration(timeout)) else {
            throw TelegramAuthError(.storeUnavailable, "cannot allocate a Redis connection")
        }
        let connection = Connection(ctx)
        if ctx.pointee.err != 0 {
            throw TelegramAuthError(.storeUnavailable, "cannot connect to \(endpoint): \(Self.errorText(ctx))")
        }
        redisSetTimeout(ctx, Self.duration(timeout))
        if let password {
            guard case .status = try run(connection, ["AUTH", password]) else {
                throw TelegramAuthError(.storeUnavailable, "\(endpoint) refused the password")
            }
        }
        if database != 0 {
            guard case .status = try run(connection, ["SELECT", String(database)]) else {
                throw TelegramAuthError(.storeUnavailable, "\(endpoint) refused database \(database)")
            }
        }
        return connection
    }

    static func errorText(_ ctx: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: ctx.pointee.errstr) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Runs `body` on a pooled connection; a connection that failed is dropped, not returned.
    package func withConnection<R>(_ body: (Connection) throws(TelegramAuthError) -> R) throws(TelegramAuthError) -> R {
        let connection: Connection
        if let pooled = idle.withLock({ $0.popLast() }) { connection = pooled } else { connection = try connect() }
        let result = try body(connection)
        if connection.context.pointee.err == 0 {
            idle.withLock { if $0.count < 32 { $0.append(connection) } }
        }
        return result
    }

    /// One command; I/O failures and error replies become `store_unavailable`.
    package func run(_ connection: Connection, _ args: [String]) throws(TelegramAuthError) -> Reply {
        try pipeline(connection, [args])[0]
    }

    /// Several commands in one round trip (pipelined): every reply, in order; an I/O failure, or an error
    /// reply to any of them, becomes `store_unavailable`.
    package func pipeline(_ connection: Connection, _ commands: [[String]]) throws(TelegramAuthError) -> [Reply] {
        let ctx = connection.context
        for args in commands {
            let bytes = args.map { Array($0.utf8) }
            let lengths = bytes.map(\.count)
            let status = Self.withPointers(bytes) { pointers in
                lengths.withUnsafeBufferPointer { lens in
                    redisAppendCommandArgv(ctx, Int32(args.count), pointers.baseAddress, lens.baseAddress)
                }
            }
            guard status == REDIS_OK else {
                throw TelegramAuthError(.storeUnavailable, "\(endpoint): cannot send a command: \(Self.errorText(ctx))")
            }
        }
        var replies: [Reply] = []
        replies.reserveCapacity(commands.count)
        for args in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(ctx, &raw) == REDIS_OK, let raw else {
                throw TelegramAuthError(.storeUnavailable, "\(endpoint) did not answer: \(Self.errorText(ctx))")
            }
            let reply = Self.convert(raw.assumingMemoryBound(to: redisReply.self))
            freeReplyObject(raw)
            if case .error(let text) = reply {
                // a throw drops the connection (withConnection pools only after success), unread replies and all
                throw TelegramAuthError(.storeUnavailable, "\(endpoint) answered \(args.first ?? "") with an error: \(text)")
            }
            replies.append(reply)
        }
        return replies
    }

    static func withPointers<R>(_ items: [[UInt8]], _ body: (UnsafeMutableBufferPointer<UnsafePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafePointer<CChar>?] = []
        pointers.reserveCapacity(items.count)
        func nest(_ i: Int) -> R {
            if i == items.count { return pointers.withUnsafeMutableBufferPointer { body($0) } }
            return items[i].withUnsafeBufferPointer { b in
                pointers.append(UnsafeRawPointer(b.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self))
                return nest(i + 1)
            }
        }
        return nest(0)
    }

    static func convert(_ r: UnsafeMutablePointer<redisReply>) -> Reply {
        let v = r.pointee
        switch v.type {
        case REDIS_REPLY_STRING:
            return .string(v.str.map { Array(UnsafeRawBufferPointer(start: $0, count: v.len)) } ?? [])
        case REDIS_REPLY_INTEGER: return .integer(Int64(v.integer))
        case REDIS_REPLY_ARRAY:
            return .array((0..<v.elements).map { convert(v.element[$0]!) })
        case REDIS_REPLY_STATUS: return .status(v.str.map { String(cString: $0) } ?? "")
        case REDIS_REPLY_ERROR: return .error(v.str.map { String(cString: $0) } ?? "")
        default: return .null
        }
    }

    package static func text(_ reply: Reply) -> String? {
        if case .string(let b) = reply { String(decoding: b, as: UTF8.self) } else { nil }
    }

    /// Checks that Redis answers (`PING`).
    package func ping() throws(TelegramAuthError) {
        _ = try withConnection { (c) throws(TelegramAuthError) in try run(c, ["PING"]) }
    }

}
