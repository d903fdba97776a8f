// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "tgauth",
    products: [
        .library(name: "TelegramAuth", targets: ["TelegramAuth"]),
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
        .systemLibrary(name: "CTGAuth"),
        // Vector kernels for the query parser (x86-64 AVX2, chosen at run time); the Swift parser stands behind them
        .target(name: "CSIMD"),
        .target(name: "TelegramAuth", dependencies: ["COpenSSL", "CSodium", "CHiredis", "CSIMD"]),
        .target(name: "TelegramAuthC", dependencies: ["TelegramAuth", "CTGAuth"]),
        .executableTarget(
            name: "tgauth",
            dependencies: [
                "TelegramAuth",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "TelegramAuthTests",
            dependencies: ["TelegramAuth", "CSIMD", "tgauth"]
        ),
    ]
)
