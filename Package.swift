// swift-tools-version: 6.1
// Chimera: one typed Swift interface to six LLM providers, direct or through a local proxy.
//
// Layers (dependencies point downward only):
//   core       ChimeraCore        domain types, errors, configuration, SSE parser, retry policy
//   wire       ChimeraWire        JSON codecs of the three protocol families, protobuf messages
//   transport  ChimeraTransport   direct providers, proxy client, retries, fallback, health monitor
//   service    Chimera            LLMService: providers from configuration
//   apps       ChimeraSimulator, ChimeraProxyServer, ChimeraAPIServer, chimera (CLI)
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "Chimera",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Chimera", targets: ["Chimera"]),
        .executable(name: "chimera", targets: ["chimera"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // core
        .target(
            name: "ChimeraCore",
            swiftSettings: swiftSettings
        ),
        // wire
        .target(
            name: "ChimeraWire",
            dependencies: [
                "ChimeraCore",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        // transport
        .target(
            name: "ChimeraTransport",
            dependencies: [
                "ChimeraCore",
                "ChimeraWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        // service
        .target(
            name: "Chimera",
            dependencies: ["ChimeraCore", "ChimeraWire", "ChimeraTransport"],
            swiftSettings: swiftSettings
        ),
        // audit: the tamper-evident request record both servers write, and its verifier
        .target(
            name: "ChimeraAudit",
            dependencies: [
                "ChimeraCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // apps
        .target(
            name: "ChimeraServerSupport",
            dependencies: [
                "ChimeraAudit",
                "ChimeraCore",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ChimeraSimulator",
            dependencies: [
                "ChimeraCore",
                "ChimeraServerSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ChimeraRelay",
            dependencies: [
                "Chimera",
                "ChimeraAudit",
                "ChimeraTransport",
                "ChimeraWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        // the status page both servers serve at /status
        .target(
            name: "ChimeraStatus",
            dependencies: [
                "ChimeraCore",
                "ChimeraRelay",
                "ChimeraTransport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ChimeraProxyServer",
            dependencies: [
                "Chimera",
                "ChimeraAudit",
                "ChimeraRelay",
                "ChimeraServerSupport",
                "ChimeraStatus",
                "ChimeraTransport",
                "ChimeraWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ChimeraAPIServer",
            dependencies: [
                "Chimera",
                "ChimeraRelay",
                "ChimeraServerSupport",
                "ChimeraStatus",
                "ChimeraWire",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // A bare Hummingbird + AsyncHTTPClient pass-through, the floor `chimera bench --pass-through`
        // measures `chimera proxy` against.
        .target(
            name: "BarePassThrough",
            dependencies: [
                "ChimeraServerSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/BarePassThrough",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "chimera",
            dependencies: [
                "BarePassThrough",
                "Chimera",
                "ChimeraAudit",
                "ChimeraSimulator",
                "ChimeraProxyServer",
                "ChimeraAPIServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // tests
        .target(
            name: "ChimeraTestSupport",
            dependencies: [
                "ChimeraProxyServer",
                "ChimeraRelay",
                "ChimeraServerSupport",
                "ChimeraCore",
                "ChimeraSimulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Tests/ChimeraTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ChimeraCoreTests", dependencies: ["ChimeraCore"], swiftSettings: swiftSettings),
        .testTarget(name: "ChimeraWireTests", dependencies: ["ChimeraWire"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ChimeraSimulatorTests",
            dependencies: [
                "ChimeraTestSupport",
                "ChimeraCore",
                "ChimeraSimulator",
                "ChimeraServerSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChimeraTransportTests",
            dependencies: [
                "Chimera",
                "ChimeraCore",
                "ChimeraSimulator",
                "ChimeraTestSupport",
                "ChimeraTransport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChimeraAuditTests",
            dependencies: [
                "ChimeraAudit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChimeraProxyServerTests",
            dependencies: [
                "ChimeraTestSupport",
                "ChimeraProxyServer",
                "ChimeraRelay",
                "ChimeraServerSupport",
                "ChimeraSimulator",
                "ChimeraAudit",
                "ChimeraTransport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ChimeraStatusTests", dependencies: ["ChimeraStatus", "ChimeraRelay"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ChimeraAPIServerTests",
            dependencies: [
                "ChimeraTestSupport",
                "ChimeraAPIServer",
                "ChimeraProxyServer",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChimeraReliabilityTests",
            dependencies: [
                // Built for the descriptor-flood test, which runs `chimera proxy` under `ulimit -n 1024`.
                "chimera",
                "ChimeraServerSupport",
                "ChimeraTestSupport",
                "ChimeraProxyServer",
                "ChimeraAPIServer",
                "ChimeraSimulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChimeraCLITests",
            dependencies: ["chimera", "ChimeraAudit", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
    ]
)
