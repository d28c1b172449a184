// swift-tools-version:6.0
import Foundation
import PackageDescription

/// Where Debian keeps the headers of the libraries that are loaded on first use rather
/// than linked (`pkg-config --cflags libxml-2.0 libsecret-1` says the same). GLib's
/// configuration header sits in the architecture's library folder.
let glibConfigHeaders = ["x86_64", "aarch64", "arm", "i386", "powerpc64le", "s390x"]
    .map { "/usr/lib/\($0)-linux-gnu/glib-2.0/include" }
    .first { FileManager.default.fileExists(atPath: $0) } ?? "/usr/lib/x86_64-linux-gnu/glib-2.0/include"
let lazyLibraryHeaders = SwiftSetting.unsafeFlags([
    "-Xcc", "-I/usr/include/libxml2",
    "-Xcc", "-I/usr/include/libsecret-1", "-Xcc", "-I/usr/include/glib-2.0", "-Xcc", "-I" + glibConfigHeaders,
])

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
        // None is linked: each shim dlopens its library on first use, so a cache hit served
        // from the kernel keyring loads none of them (libxml2 alone pulls in ICU, libsecret
        // GLib, GIO and libgcrypt). That is also why they have no pkgConfig: SwiftPM would
        // add `-lcurl` and the like to the link.
        .systemLibrary(name: "CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibXML2", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CLibSecret", providers: [.apt(["libsecret-1-dev"])]),
        .systemLibrary(name: "CKernelKeyring"),
        .target(
            name: "STSProcCore",
            dependencies: ["CCurl", "CLibXML2", "CLibSecret", "CKernelKeyring"],
            swiftSettings: [lazyLibraryHeaders]
        ),
        .executableTarget(
            name: "sts-proc",
            dependencies: [
                "STSProcCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The Swift runtime linked in: every SDK process starts sts-proc, and loading
            // the runtime's shared libraries cost more than a third of a cache hit
            // (BENCHMARKS.md). Relative relocations packed (DT_RELR, glibc 2.36+, which
            // needs the toolchain's lld): the 38,000 RELA entries were 0.9 MB that every
            // start read, and packing them kept the executable position-independent.
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-use-ld=lld", "-Xlinker", "-z",
                                           "-Xlinker", "pack-relative-relocs"]),
                             .linkedLibrary("_FoundationCollections"),
                             .linkedLibrary("_FoundationCShims"), .linkedLibrary("swiftSynchronization")]
        ),
        .testTarget(
            name: "STSProcCoreTests",
            dependencies: ["STSProcCore"],
            exclude: ["Fixtures"],
            swiftSettings: [lazyLibraryHeaders]
        ),
    ],
    swiftLanguageModes: [.v6]
)
