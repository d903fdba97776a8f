// swift-tools-version:6.2
// tgauth-serve, the forward-auth gateway, and the Hummingbird middleware it is built on. A package of its own
// so that users of the core library never resolve Hummingbird; it depends on the root package by path, as
// fuzz/ does.
//   swift build --package-path serve -c release --product tgauth-serve
import Foundation
import PackageDescription

// SwiftPM names a path dependency after its directory, whatever the clone is called
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "tgauth-serve",
    platforms: [.macOS(.v14)],
    products: [
        // an AuthenticatorMiddleware for Hummingbird 2 servers: Mini App data, id_tokens, session cookies
        .library(name: "TelegramAuthHummingbird", targets: ["TelegramAuthHummingbird"]),
        .executable(name: "tgauth-serve", targets: ["tgauth-serve"]),
    ],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.100.0"),
    ],
    targets: [
        .target(
            name: "TelegramAuthHummingbird",
            dependencies: [
                .product(name: "TelegramAuth", package: root), .product(name: "TelegramAuthOIDC", package: root),
                .product(name: "TelegramAuthSession", package: root),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]),
        // the gateway's routes, configuration and pages, as a library its tests import
        .target(
            name: "TelegramAuthServe",
            dependencies: [
                "TelegramAuthHummingbird", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"), .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .executableTarget(
            name: "tgauth-serve",
            dependencies: [
                "TelegramAuthServe", .product(name: "Logging", package: "swift-log"), .product(name: "TelegramAuth", package: root),
                .product(name: "HummingbirdCore", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
            ]),
        // make bench-serve's floor: a Hummingbird route that answers 202 and does nothing (not a product)
        .executableTarget(name: "tgauth-serve-floor", dependencies: [.product(name: "Hummingbird", package: "hummingbird")]),
        .testTarget(
            name: "TelegramAuthServeTests",
            dependencies: [
                "TelegramAuthServe", "TelegramAuthHummingbird", .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "TelegramAuthOIDC", package: root), .product(name: "TelegramAuthSession", package: root),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"), .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]),
    ]
)
