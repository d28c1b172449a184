// swift-tools-version:6.0
import Foundation
import PackageDescription

/// libFuzzer targets for sts-proc's parsers and codecs (README, "Fuzzing"). A package of its
/// own so that the normal build never compiles them; `scripts/fuzz.sh` builds it with
/// `-sanitize=fuzzer,address -enable-testing` (the targets reach STSProcCore's internal
/// parsers through `@testable import`).
let targets = [
    "fuzz-ini",                 // INIParser, SharedConfig and PlanBuilder: config text to plans
    "fuzz-sts-response",        // STSResponseParser: STS answer bodies
    "fuzz-saml",                // SAMLAssertion: pasted SAMLResponse text or assertion XML
    "fuzz-cached-credential",   // CachedCredential: the keyring item's JSON
    "fuzz-sso-token",           // SSOTokenFile and SSORegistration: ~/.aws/sso/cache JSON
    "fuzz-utc-time",            // UTCTime: the ISO 8601 parser and printer
    "fuzz-credentials-editor",  // SharedFileEditor: replacing and removing sections
]

/// The same C header folders the unit tests need: `@testable import` also loads
/// STSProcCore's internal imports of libxml2 and libsecret.
let glibConfigHeaders = ["x86_64", "aarch64", "arm", "i386", "powerpc64le", "s390x"]
    .map { "/usr/lib/\($0)-linux-gnu/glib-2.0/include" }
    .first { FileManager.default.fileExists(atPath: $0) } ?? "/usr/lib/x86_64-linux-gnu/glib-2.0/include"
let lazyLibraryHeaders = SwiftSetting.unsafeFlags([
    "-Xcc", "-I/usr/include/libxml2",
    "-Xcc", "-I/usr/include/libsecret-1", "-Xcc", "-I/usr/include/glib-2.0", "-Xcc", "-I" + glibConfigHeaders,
])

let package = Package(
    name: "sts-proc-fuzz",
    products: targets.map { .executable(name: $0, targets: [$0]) },
    dependencies: [.package(name: "sts-proc", path: "..")],
    targets: [
        .systemLibrary(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer", .product(name: "STSProcCore", package: "sts-proc")],
                swiftSettings: [lazyLibraryHeaders]),
    ] + targets.map {
        .executableTarget(name: $0, dependencies: [
            "FuzzSupport", .product(name: "STSProcCore", package: "sts-proc"),
        ], swiftSettings: [lazyLibraryHeaders])
    },
    swiftLanguageModes: [.v6]
)
