// swift-tools-version: 6.1
import PackageDescription

// `Scheduling` and `Pipelines` depend only on small Apple packages (collections, log, service
// lifecycle, subprocess). Heavier dependencies sit behind package traits: a package that embeds
// only the core declares this package with `traits: []` and builds none of them.
let package = Package(
    name: "swift-scheduling",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Scheduling", targets: ["Scheduling"]),
        .library(name: "Pipelines", targets: ["Pipelines"]),
        .library(name: "SchedulingTesting", targets: ["SchedulingTesting"]),
        .library(name: "SchedulingSQLite", targets: ["SchedulingSQLite"]),
        .executable(name: "scheduler", targets: ["scheduler"]),
        .executable(name: "video-pipeline", targets: ["VideoPipeline"]),
    ],
    traits: [
        .trait(
            name: "SQLite",
            description: "The durable SQLite store, SchedulingSQLite (GRDB)."
        ),
        .trait(
            name: "CLI",
            description: "The scheduler command-line tool (swift-argument-parser); needs the SQLite store.",
            enabledTraits: ["SQLite"]
        ),
        .default(enabledTraits: ["CLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(
            name: "Scheduling",
            dependencies: [
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .target(
            name: "Pipelines",
            dependencies: [
                "Scheduling",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "SchedulingTesting",
            dependencies: [
                "Scheduling",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "SchedulingSQLite",
            dependencies: [
                "Scheduling",
                .product(name: "GRDB", package: "GRDB.swift", condition: .when(traits: ["SQLite"])),
            ]
        ),
        .target(
            name: "SchedulerCommand",
            dependencies: [
                "Scheduling",
                "SchedulingSQLite",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(
                    name: "ArgumentParser",
                    package: "swift-argument-parser",
                    condition: .when(traits: ["CLI"])
                ),
                .product(name: "Yams", package: "Yams", condition: .when(traits: ["CLI"])),
            ]
        ),
        .executableTarget(name: "scheduler", dependencies: ["SchedulerCommand"]),
        .executableTarget(
            name: "VideoPipeline",
            dependencies: [
                "Pipelines",
                "SchedulerCommand",
                "Scheduling",
                "SchedulingSQLite",
                .product(name: "Logging", package: "swift-log"),
                .product(
                    name: "ArgumentParser",
                    package: "swift-argument-parser",
                    condition: .when(traits: ["CLI"])
                ),
            ],
            path: "Examples/VideoPipeline/Sources/VideoPipeline"
        ),
        .testTarget(
            name: "SchedulingTests",
            dependencies: [
                "Scheduling",
                "SchedulingTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "PipelinesTests",
            dependencies: [
                "Pipelines",
                "Scheduling",
                "SchedulingTesting",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "SchedulingSQLiteTests",
            dependencies: [
                "Scheduling",
                "SchedulingSQLite",
                "SchedulingTesting",
                .product(name: "GRDB", package: "GRDB.swift", condition: .when(traits: ["SQLite"])),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "SchedulerCommandTests",
            dependencies: [
                "SchedulerCommand",
                "Scheduling",
                "SchedulingSQLite",
                .product(name: "Logging", package: "swift-log"),
                .product(
                    name: "ArgumentParser",
                    package: "swift-argument-parser",
                    condition: .when(traits: ["CLI"])
                ),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "VideoPipelineTests",
            dependencies: [
                "VideoPipeline",
                "Pipelines",
                "Scheduling",
                "SchedulingSQLite",
                "SchedulingTesting",
                "SchedulerCommand",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    settings.append(.enableUpcomingFeature("NonisolatedNonsendingByDefault"))
    target.swiftSettings = settings
}
