// swift-tools-version:6.0
import Foundation
import PackageDescription

/// Where Debian keeps the headers of the libraries that are loaded on first use rather
/// than linked (`pkg-config --cflags libxml-2.0 libsecret-1` says the same). GLib's
/// configuration header sits in the architecture's library folder.
let glibConfigHeaders = ["x86_64", "aarch64", "arm", "i386", "powerpc64le", "s390x"]
    .map { "/usr/lib/\($0)-linux-gnu/glib-2.0/include" }
    .first { FileManager.default.fileExists(atPath: $0) } ?? "/usr/lib/x86_64-linux-gnu/glib-2.0/include"
/// Relative relocations packed (DT_RELR) where the C library can read them (glibc 2.36,
/// Debian 12) and the toolchain has lld: the 38,000 RELA entries were 0.9 MB that every
/// start read. Elsewhere the executable is linked as usual and works the same, a little slower.
let packedRelocationFlags: [String] = {
    var text = [CChar](repeating: 0, count: 64)
    _ = confstr(Int32(_CS_GNU_LIBC_VERSION), &text, text.count)  // "glibc 2.36"
    let version = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        .split(whereSeparator: { $0 == " " || $0 == "." }).compactMap { Int($0) }
    let glibcReadsRELR = version.count >= 2 && (version[0], version[1]) >= (2, 36)
    let hasLLD = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .contains { FileManager.default.isExecutableFile(atPath: "\($0)/ld.lld") }
    return glibcReadsRELR && hasLLD ? ["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"] : []
}()

let lazyLibraryHeaders = SwiftSetting.unsafeFlags([
    "-Xcc", "-I/usr/include/libxml2",
    "-Xcc", "-I/usr/include/libsecret-1", "-Xcc", "-I/usr/include/glib-2.0", "-Xcc", "-I" + glibConfigHeaders,
])

let package = Package(
    name: "sts-proc",
    products: [
        .executable(name: "sts-proc", targets: ["sts-proc"]),
        // For the fuzz targets (fuzz/Package.swift), which depend on this package by path.
        .library(name: "STSProcCore", targets: ["STSProcCore"]),
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
        .systemLibrary(name: "CMicroHTTPD", providers: [.apt(["libmicrohttpd-dev"])]),
        .target(
            name: "STSProcCore",
            dependencies: ["CCurl", "CLibXML2", "CLibSecret", "CKernelKeyring", "CMicroHTTPD"],
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
            // (BENCHMARKS.md).
            linkerSettings: [.unsafeFlags(["-static-stdlib"] + packedRelocationFlags),
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
