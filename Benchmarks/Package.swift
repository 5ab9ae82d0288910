// swift-tools-version: 6.1
// Micro-benchmarks of the ingestion path, with ordo-one/benchmark.
// A package of its own so that the gateway's build and tests never build the
// benchmark tooling. Run from this folder: `swift package benchmark`.
import PackageDescription

let package = Package(
    name: "ComplaintGatewayBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "ComplaintGateway", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "IngestBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ComplaintModel", package: "ComplaintGateway"),
                .product(name: "GatewayCore", package: "ComplaintGateway"),
                .product(name: "SQLiteStore", package: "ComplaintGateway"),
                .product(name: "CallLogChannel", package: "ComplaintGateway"),
            ],
            path: "Benchmarks/IngestBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ChannelBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ComplaintModel", package: "ComplaintGateway"),
                .product(name: "GatewayCore", package: "ComplaintGateway"),
                .product(name: "ChannelSupport", package: "ComplaintGateway"),
                .product(name: "EmailChannel", package: "ComplaintGateway"),
                .product(name: "SocialFeedChannel", package: "ComplaintGateway"),
                .product(name: "CallLogChannel", package: "ComplaintGateway"),
            ],
            path: "Benchmarks/ChannelBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
