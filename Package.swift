// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "salesops",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "salesctl", targets: ["salesctl"]),
        .library(name: "PostgresClient", targets: ["PostgresClient"]),
        .library(name: "SalesOps", targets: ["SalesOps"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        .target(
            name: "PostgresClient",
            dependencies: [
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "SalesOps",
            dependencies: [
                "PostgresClient",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "SalesCTLCommands",
            dependencies: [
                "SalesOps",
                "PostgresClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "salesctl",
            dependencies: ["SalesCTLCommands"]
        ),
        .testTarget(
            name: "PostgresClientTests",
            dependencies: ["PostgresClient", "TestSupport"]
        ),
        .testTarget(
            name: "SalesOpsTests",
            dependencies: ["SalesOps", "PostgresClient", "TestSupport"]
        ),
        .testTarget(
            name: "SalesCTLTests",
            dependencies: ["salesctl", "SalesCTLCommands", "SalesOps", "PostgresClient", "TestSupport"]
        ),
        .target(
            name: "TestSupport",
            dependencies: ["PostgresClient", "SalesOps"],
            path: "Tests/TestSupport"
        ),
    ],
    swiftLanguageModes: [.v6]
)
