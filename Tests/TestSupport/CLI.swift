import Foundation

/// Runs the built `tgauth` binary as a user would (`TGAUTH_CLI`, else the debug build).
package enum CLI {
    package static let binary: URL = {
        if let env = ProcessInfo.processInfo.environment["TGAUTH_CLI"] { return URL(fileURLWithPath: env) }
        return repositoryRoot.appendingPathComponent(".build/debug/tgauth-cli")
    }()

    package struct Run {
        package let status: Int32
        package let out: String
        package let err: String
    }

    package static func run(_ args: [String], stdin: String? = nil, raw: [UInt8]? = nil, env: [String: String] = [:]) throws -> Run {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "TGAUTH_BOT_TOKEN")
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
        p.standardOutput = outPipe
        p.standardError = errPipe
        p.standardInput = inPipe
        try p.run()
        if let raw { inPipe.fileHandleForWriting.write(Data(raw)) } else if let stdin { inPipe.fileHandleForWriting.write(Data(stdin.utf8)) }
        try inPipe.fileHandleForWriting.close()
        let out = outPipe.fileHandleForReading.readDataToEndOfFile()
        let err = errPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, out: String(decoding: out, as: UTF8.self), err: String(decoding: err, as: UTF8.self))
    }
}
