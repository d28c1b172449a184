// swift-tools-version:6.0
import PackageDescription

/// Where Debian (and most distributions) keep libxml2's headers; `pkg-config --cflags
/// libxml-2.0` says the same.
let libxml2Headers = SwiftSetting.unsafeFlags(["-Xcc", "-I/usr/include/libxml2"])

let package = Package(
    name: "sts-proc",
    products: [
        .executable(name: "sts-proc", targets: ["sts-proc"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // One thin module per C library; only STSProcCore imports them, `internal`ly.
        // libcurl and libxml2 are not linked: their shims dlopen them on first use, so a
        // cache hit never pays for loading them (libxml2 alone pulls in ICU). That is also
        // why they have no pkgConfig: SwiftPM would add `-lcurl` / `-lxml2` to the link.
        .systemLibrary(name: "CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibXML2", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CLibSecret", pkgConfig: "libsecret-1",
                       providers: [.apt(["libsecret-1-dev"])]),
        .systemLibrary(name: "CKernelKeyring"),
        .target(
            name: "STSProcCore",
            dependencies: ["CCurl", "CLibXML2", "CLibSecret", "CKernelKeyring"],
            swiftSettings: [libxml2Headers]
        ),
        .executableTarget(
            name: "sts-proc",
            dependencies: [
                "STSProcCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The Swift runtime linked in: every SDK process starts sts-proc, and loading
            // the runtime's shared libraries cost more than a third of a cache hit
            // (BENCHMARKS.md).
            linkerSettings: [.unsafeFlags(["-static-stdlib"]), .linkedLibrary("_FoundationCollections"),
                             .linkedLibrary("_FoundationCShims"), .linkedLibrary("swiftSynchronization")]
        ),
        .testTarget(
            name: "STSProcCoreTests",
            dependencies: ["STSProcCore"],
            exclude: ["Fixtures"],
            swiftSettings: [libxml2Headers]
        ),
    ],
    swiftLanguageModes: [.v6]
)
