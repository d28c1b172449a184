// swift-tools-version:6.0
import PackageDescription

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
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CLibSecret", pkgConfig: "libsecret-1",
                       providers: [.apt(["libsecret-1-dev"])]),
        .target(
            name: "STSProcCore",
            dependencies: ["CCurl", "CLibXML2", "CLibSecret"]
        ),
        .executableTarget(
            name: "sts-proc",
            dependencies: [
                "STSProcCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "STSProcCoreTests",
            dependencies: ["STSProcCore"],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
