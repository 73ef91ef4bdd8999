// swift-tools-version: 6.1
import PackageDescription

// Heavy dependencies sit behind package traits. A package that embeds only `Scheduling` and
// `Pipelines` declares this package with `traits: []` and resolves none of them.
let package = Package(
    name: "swift-scheduling",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Scheduling", targets: ["Scheduling"]),
        .library(name: "Pipelines", targets: ["Pipelines"]),
        .library(name: "SchedulingTesting", targets: ["SchedulingTesting"]),
        .executable(name: "scheduler", targets: ["scheduler"]),
    ],
    traits: [
        .trait(
            name: "CLI",
            description: "The scheduler command-line tool (swift-argument-parser)."
        ),
        .default(enabledTraits: ["CLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        .target(name: "Scheduling"),
        .target(name: "Pipelines", dependencies: ["Scheduling"]),
        .target(name: "SchedulingTesting", dependencies: ["Scheduling"]),
        .target(
            name: "SchedulerCommand",
            dependencies: [
                "Scheduling",
                .product(
                    name: "ArgumentParser",
                    package: "swift-argument-parser",
                    condition: .when(traits: ["CLI"])
                ),
            ]
        ),
        .executableTarget(name: "scheduler", dependencies: ["SchedulerCommand"]),
        .testTarget(
            name: "SchedulingTests",
            dependencies: ["Scheduling", "SchedulingTesting"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "SchedulerCommandTests",
            dependencies: [
                "SchedulerCommand",
                "Scheduling",
                .product(
                    name: "ArgumentParser",
                    package: "swift-argument-parser",
                    condition: .when(traits: ["CLI"])
                ),
            ],
            exclude: ["Fixtures"]
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
