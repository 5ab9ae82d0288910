// swift-tools-version: 6.1
// Complaint Gateway: a plugin-based multi-channel complaint ingestion gateway.
import PackageDescription

/// Built-in channel plugins. Each lives in `Plugins/<Name>/` with its own
/// `Sources/` and `Tests/`, and may depend only on `ComplaintModel`,
/// `GatewayCore` and `ChannelSupport` (what several plugins share). Adding a plugin is adding its folder, one line here and one
/// line in `Sources/GatewayApp/BuiltinPlugins.swift`.
let channelPlugins = [
    "CallLogChannel",
    "EmailChannel",
    "SocialFeedChannel",
    "WebFormChannel",
]

/// System libraries a plugin uses beyond the core's (the email plugin speaks IMAP through libcurl).
let pluginSystemLibraries: [String: [Target.Dependency]] = [
    "EmailChannel": ["CCurl"],
]

let strictSwift6: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

var targets: [Target] = [
    .target(
        name: "ComplaintModel",
        swiftSettings: strictSwift6
    ),
    // libxml2 from the system (apt: libxml2-dev), wrapped in ChannelSupport/XML
    // (XMLStreamParser) and ChannelSupport/Text (HTMLText).
    .systemLibrary(
        name: "CLibXML2",
        pkgConfig: "libxml-2.0",
        providers: [.apt(["libxml2-dev"])]
    ),
    .systemLibrary(
        name: "CCurl",
        pkgConfig: "libcurl",
        providers: [.apt(["libcurl4-openssl-dev"])]
    ),
    .target(
        name: "GatewayCore",
        dependencies: [
            "ComplaintModel",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "TOMLKit", package: "TOMLKit"),
        ],
        swiftSettings: strictSwift6
    ),
    // What several channel plugins share and the core has no use for: charset
    // choice by plausibility, HTML to text, dates as mail and feeds write them,
    // quoted-printable, libxml2's streaming parser (Vector keeps the like in
    // src/sources/util/).
    .target(
        name: "ChannelSupport",
        dependencies: ["ComplaintModel", "GatewayCore", "CLibXML2"],
        swiftSettings: strictSwift6
    ),
    .target(
        name: "SQLiteStore",
        dependencies: [
            "ComplaintModel",
            "GatewayCore",
            .product(name: "GRDB", package: "GRDB.swift"),
        ],
        swiftSettings: strictSwift6
    ),
    .target(
        name: "PostgresStore",
        dependencies: [
            "ComplaintModel",
            "GatewayCore",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ],
        swiftSettings: strictSwift6
    ),
    .target(
        name: "GatewayServer",
        dependencies: [
            "ComplaintModel",
            "GatewayCore",
            // Feed downloads through libcurl (Intake/Download): a whole-request
            // deadline, byte limits as sent and decoded, every address checked.
            "CCurl",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ],
        // Compiled in, so the binary needs no resource files: the operator
        // console's page, code and style; the OpenAPI document written by
        // scripts/gen-openapi.py; the complaint schema (a link to schema/).
        resources: [
            .embedInCode("Console/Assets/console.html"), .embedInCode("Console/Assets/login.html"),
            .embedInCode("Console/Assets/app.js"), .embedInCode("Console/Assets/app.css"),
            .embedInCode("OpenAPI/openapi.json"), .embedInCode("OpenAPI/complaint-v1.schema.json"),
        ],
        swiftSettings: strictSwift6
    ),
    .target(
        name: "GatewayApp",
        dependencies: [
            "ComplaintModel",
            "GatewayCore",
            "GatewayServer",
            "SQLiteStore",
            "PostgresStore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ] + channelPlugins.map { .target(name: $0) },
        swiftSettings: strictSwift6
    ),
    .executableTarget(
        name: "complaint-gateway",
        dependencies: ["GatewayApp", .product(name: "ArgumentParser", package: "swift-argument-parser")],
        swiftSettings: strictSwift6
    ),
    .target(
        name: "GatewayTestSupport",
        // libxml2 for XMLEntityGuard, the feed fuzz test's oracle.
        dependencies: ["ComplaintModel", "GatewayCore", "CLibXML2", .product(name: "PropertyBased", package: "swift-property-based")],
        path: "Tests/GatewayTestSupport",
        swiftSettings: strictSwift6
    ),
    .testTarget(
        name: "ComplaintModelTests",
        dependencies: ["ComplaintModel", "GatewayCore", "GatewayTestSupport"],
        swiftSettings: strictSwift6
    ),
    // Opens either store engine for the tests that run on both (StoreEngine, RawSQL).
    .target(
        name: "StoreTestSupport",
        dependencies: ["GatewayCore", "SQLiteStore", "PostgresStore", "GatewayTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
        path: "Tests/StoreTestSupport",
        swiftSettings: strictSwift6
    ),
    // The core's stages, tested with real stores (the pipeline, dedup, replay).
    .testTarget(
        name: "GatewayCoreTests",
        dependencies: ["ComplaintModel", "GatewayCore", "GatewayTestSupport", "StoreTestSupport", "SQLiteStore", "PostgresStore",
                       .product(name: "PropertyBased", package: "swift-property-based")],
        swiftSettings: strictSwift6
    ),
    .testTarget(
        name: "ChannelSupportTests",
        dependencies: ["ChannelSupport", "ComplaintModel", "GatewayCore", "GatewayTestSupport"],
        swiftSettings: strictSwift6
    ),
    .testTarget(
        name: "StoreTests",
        dependencies: ["ComplaintModel", "GatewayCore", "SQLiteStore", "PostgresStore", "GatewayTestSupport", "StoreTestSupport"],
        swiftSettings: strictSwift6
    ),
    .testTarget(
        name: "GatewayServerTests",
        dependencies: ["GatewayServer", "ComplaintModel", "GatewayCore", "SQLiteStore", "WebFormChannel", "SocialFeedChannel", "EmailChannel",
                       "CallLogChannel", "GatewayTestSupport",
                       .product(name: "Hummingbird", package: "hummingbird"),
                       .product(name: "Metrics", package: "swift-metrics"),
                       .product(name: "Prometheus", package: "swift-prometheus"),
                       .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                       .product(name: "GRDB", package: "GRDB.swift"),
                       .product(name: "PropertyBased", package: "swift-property-based")],
        swiftSettings: strictSwift6
    ),
    .testTarget(
        name: "GatewayAppTests",
        dependencies: ["GatewayApp", "ComplaintModel", "GatewayCore", "SQLiteStore", "PostgresStore", "GatewayTestSupport"],
        // The console's browser test (Playwright for Python), run by ConsoleBrowserTests.
        exclude: ["Browser"],
        swiftSettings: strictSwift6
    ),
]

for plugin in channelPlugins {
    targets.append(.target(
        name: plugin,
        dependencies: ["ComplaintModel", "GatewayCore", "ChannelSupport"] + (pluginSystemLibraries[plugin] ?? []),
        path: "Plugins/\(plugin)/Sources",
        swiftSettings: strictSwift6
    ))
    targets.append(.testTarget(
        name: "\(plugin)Tests",
        dependencies: [.target(name: plugin), "ComplaintModel", "GatewayCore", "ChannelSupport", "GatewayTestSupport",
                       .product(name: "PropertyBased", package: "swift-property-based")],
        path: "Plugins/\(plugin)/Tests",
        exclude: ["Fixtures"],
        swiftSettings: strictSwift6
    ))
}

let package = Package(
    name: "ComplaintGateway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "complaint-gateway", targets: ["complaint-gateway"]),
        .library(name: "ComplaintModel", targets: ["ComplaintModel"]),
        .library(name: "GatewayCore", targets: ["GatewayCore"]),
        .library(name: "ChannelSupport", targets: ["ChannelSupport"]),
        .library(name: "SQLiteStore", targets: ["SQLiteStore"]),
        .library(name: "PostgresStore", targets: ["PostgresStore"]),
        .library(name: "GatewayServer", targets: ["GatewayServer"]),
    ] + channelPlugins.map { .library(name: $0, targets: [$0]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: targets
)
