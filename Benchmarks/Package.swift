// swift-tools-version: 6.1
import PackageDescription

// Release-mode measurements, kept out of the main package so that they never run as tests.
// Run: swift run -c release --package-path Benchmarks cron-benchmark
//      swift run -c release --package-path Benchmarks scheduler-benchmark [throughput|lateness|memory|soak]
//        (JOBS=n sets the lateness benchmark's job count, STORE=sqlite runs it on a SQLite file;
//        STORE=discarding runs the throughput benchmark on a store that keeps nothing)
//      swift run -c release --package-path Benchmarks store-benchmark [record|history|in-memory]
let package = Package(
    name: "swift-scheduling-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-scheduling", path: "..", traits: ["SQLite"])
    ],
    targets: [
        .executableTarget(
            name: "cron-benchmark",
            dependencies: [.product(name: "Scheduling", package: "swift-scheduling")],
            path: "Sources/CronBenchmark"
        ),
        .target(name: "HeapStatistics", path: "Sources/HeapStatistics"),
        .executableTarget(
            name: "scheduler-benchmark",
            dependencies: [
                "HeapStatistics",
                .product(name: "Scheduling", package: "swift-scheduling"),
                .product(name: "SchedulingSQLite", package: "swift-scheduling"),
                .product(name: "SchedulingTesting", package: "swift-scheduling"),
            ],
            path: "Sources/SchedulerBenchmark"
        ),
        .executableTarget(
            name: "store-benchmark",
            dependencies: [
                .product(name: "Scheduling", package: "swift-scheduling"),
                .product(name: "SchedulingSQLite", package: "swift-scheduling"),
            ],
            path: "Sources/StoreBenchmark"
        ),
    ],
    swiftLanguageModes: [.v6]
)
