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
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        // Already resolved for Hummingbird; named for the connection guard's channel handler.
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
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
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // The metric families' statements, one SQL file each (see MetricFamily).
            resources: [.copy("KPI/Families")]
        ),
        .target(
            name: "SalesOpsServer",
            dependencies: [
                "SalesOps",
                "PostgresClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "SalesCTLCommands",
            dependencies: [
                "SalesOps",
                "SalesOpsServer",
                "PostgresClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "salesctl",
            dependencies: [
                "SalesCTLCommands",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
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
        .testTarget(
            name: "SalesOpsServerTests",
            dependencies: [
                "SalesOpsServer", "SalesOps", "PostgresClient", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "TestSupport",
            dependencies: ["PostgresClient", "SalesOps"],
            path: "Tests/TestSupport"
        ),
    ],
    swiftLanguageModes: [.v6]
)
