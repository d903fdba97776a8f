// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "tgauth",
    products: [
        // the verification core: Login Widget, Mini App, third-party, signing (libcrypto and libsodium)
        .library(name: "TelegramAuth", targets: ["TelegramAuth"]),
        // the bot deep-link login, its stores (in memory, Redis through hiredis)
        .library(name: "TelegramAuthDeepLink", targets: ["TelegramAuthDeepLink"]),
        // Log In With Telegram over OpenID Connect: id_token verification (libsecp256k1 for ES256K), keys and
        // the token request over HTTPS (libcurl)
        .library(name: "TelegramAuthOIDC", targets: ["TelegramAuthOIDC"]),
        // sessions for servers that log users in with the above: the identity, cookies sealed with
        // XChaCha20-Poly1305 (libsodium), session stores (tgauth-serve and its Hummingbird middleware use it)
        .library(name: "TelegramAuthSession", targets: ["TelegramAuthSession"]),
        // The C ABI: built by `make` into build/lib/libtgauth.so.0.x.y with the Swift runtime linked statically.
        .library(name: "tgauth", type: .dynamic, targets: ["TelegramAuthC"]),
        .executable(name: "tgauth-cli", targets: ["tgauth"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        .systemLibrary(
            name: "CHiredis",
            pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        .systemLibrary(
            name: "CSecp256k1",
            pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"])]
        ),
        .systemLibrary(name: "CTGAuth"),
        // Kernels for the query parser, one file per instruction set behind one table chosen at load; the Swift
        // parser stands behind them
        .target(name: "CQueryKernel"),
        // One HTTPS request through libcurl (the key set, the token request), for TelegramAuthOIDC
        .target(name: "CHTTPS", linkerSettings: [.linkedLibrary("curl")]),
        .target(name: "TelegramAuth", dependencies: ["COpenSSL", "CSodium", "CQueryKernel"]),
        // Redis through hiredis, shared by the stores that span processes (deep-link logins, sessions)
        .target(name: "TelegramAuthRedis", dependencies: ["TelegramAuth", "CHiredis"]),
        .target(name: "TelegramAuthDeepLink", dependencies: ["TelegramAuth", "TelegramAuthRedis", "COpenSSL", "CHiredis"]),
        .target(name: "TelegramAuthOIDC", dependencies: ["TelegramAuth", "COpenSSL", "CSecp256k1", "CHTTPS"]),
        .target(name: "TelegramAuthSession", dependencies: ["TelegramAuth", "TelegramAuthOIDC", "TelegramAuthRedis", "CSodium"]),
        .target(name: "TelegramAuthC", dependencies: ["TelegramAuth", "TelegramAuthDeepLink", "TelegramAuthOIDC", "CTGAuth"]),
        .executableTarget(
            name: "tgauth",
            dependencies: [
                "TelegramAuth", "TelegramAuthOIDC",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // what the test targets share: the vectors, the test signer, a redis-server, the generated schema views
        .target(
            name: "TelegramAuthTestSupport",
            dependencies: ["TelegramAuth", "TelegramAuthOIDC", "TelegramAuthDeepLink", "TelegramAuthRedis", "COpenSSL", "CSecp256k1"],
            path: "Tests/TestSupport"
        ),
        // one test target per module; the input table spans modules (every kind, the CLI too), so it has its own
        .testTarget(name: "TelegramAuthTests", dependencies: ["TelegramAuth", "TelegramAuthTestSupport", "CQueryKernel", "COpenSSL"]),
        .testTarget(name: "TelegramAuthOIDCTests", dependencies: ["TelegramAuthOIDC", "TelegramAuthTestSupport", "COpenSSL", "CSecp256k1"]),
        .testTarget(name: "TelegramAuthDeepLinkTests", dependencies: ["TelegramAuthDeepLink", "TelegramAuthRedis", "TelegramAuthTestSupport"]),
        .testTarget(
            name: "TelegramAuthSessionTests",
            dependencies: ["TelegramAuthSession", "TelegramAuthOIDC", "TelegramAuthRedis", "TelegramAuthTestSupport"]),
        .testTarget(name: "TelegramAuthCLITests", dependencies: ["tgauth", "TelegramAuthOIDC", "TelegramAuthTestSupport"]),
        .testTarget(
            name: "TelegramAuthInputTableTests",
            dependencies: ["TelegramAuth", "TelegramAuthOIDC", "TelegramAuthDeepLink", "TelegramAuthTestSupport"]),
    ]
)
