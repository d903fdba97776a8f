// swift-tools-version:6.0
// libFuzzer targets for tgauth's parsers and checks (`make fuzz`, and a short smoke in `make test`).
// Built apart from the main package because it has no main(): libFuzzer links its own.
//   swift build --package-path fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
//   TGAUTH_FUZZ_TARGET=query .build/debug/tgauth-fuzz fuzz/corpus/query
import Foundation
import PackageDescription

// SwiftPM names a path dependency after its directory, whatever the clone is called
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "tgauth-fuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "tgauth-fuzz",
            dependencies: [
                .product(name: "TelegramAuth", package: root), .product(name: "TelegramAuthDeepLink", package: root),
                .product(name: "TelegramAuthOIDC", package: root),
            ])
    ]
)
