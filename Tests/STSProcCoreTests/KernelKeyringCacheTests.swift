import Glibc
import Testing
@testable import STSProcCore

/// Against the real kernel, in a keyring of each test's own (never the user keyring of the
/// person running the tests, whose cached credentials these tests must not see or clear).
@Suite struct KernelKeyringCacheTests {
    private let profile = "unit-\(getpid())-\(Int.random(in: 0..<1_000_000))"
    private let now = UTCTime(secondsSinceEpoch: Int64(time(nil)))

    private func credentials(lifetime: Int64) -> AWSCredentials {
        AWSCredentials(accessKeyID: "ASIAKERNEL", secretAccessKey: "s/+", sessionToken: "t", expiration: now.adding(seconds: lifetime))
    }

    @Test func aCopyIsServedOnlyForTheSameMaterialAndWhileFresh() throws {
        let cache = try privateKernelKeyring()
        defer { cache.removeAll(profile: profile) }
        let material = "version=1:1\nrole=5:arn:x"
        cache.write(profile: profile, material: material, credentials: credentials(lifetime: 3600),
                    validAfter: now.adding(seconds: 960))
        #expect(cache.read(profile: profile, material: material, validAfter: now.adding(seconds: 960)) == credentials(lifetime: 3600))
        #expect(cache.read(profile: profile, material: material + "x", validAfter: now) == nil)
        #expect(cache.read(profile: profile, material: material, validAfter: now.adding(seconds: 3600)) == nil)
        cache.removeAll(profile: profile)
        #expect(cache.read(profile: profile, material: material, validAfter: now) == nil)
    }

    @Test func nothingIsKeptThatIsAlreadyDueForRefresh() throws {
        let cache = try privateKernelKeyring()
        defer { cache.removeAll(profile: profile) }
        cache.write(profile: profile, material: "m", credentials: credentials(lifetime: 900),
                    validAfter: now.adding(seconds: 960))
        #expect(cache.read(profile: profile, material: "m", validAfter: now) == nil)
    }

    @Test func removeAllClearsOneProfileOrAll() throws {
        let cache = try privateKernelKeyring()
        let other = profile + "-other"
        cache.write(profile: profile, material: "m", credentials: credentials(lifetime: 3600), validAfter: now)
        cache.write(profile: other, material: "m", credentials: credentials(lifetime: 3600), validAfter: now)
        cache.removeAll(profile: profile)
        #expect(cache.read(profile: profile, material: "m", validAfter: now) == nil)
        #expect(cache.read(profile: other, material: "m", validAfter: now) != nil)
        cache.removeAll(profile: other)
        #expect(cache.read(profile: other, material: "m", validAfter: now) == nil)
    }

    @Test func copiesGoToTheKeyringTheCacheWasMadeFor() throws {
        let one = try privateKernelKeyring(), other = try privateKernelKeyring()
        one.write(profile: profile, material: "m", credentials: credentials(lifetime: 3600), validAfter: now)
        #expect(one.read(profile: profile, material: "m", validAfter: now) != nil)
        #expect(other.read(profile: profile, material: "m", validAfter: now) == nil)
        #expect(other.list().isEmpty)
        other.removeAll(profile: nil)
        #expect(one.list().map(\.profile) == [profile])
    }

    @Test func descriptionsNameTheProfileAndHashTheMaterial() {
        let description = KernelKeyringCache.description(profile: "prod", material: "abc")
        #expect(description.hasPrefix("sts-proc:prod:"))
        #expect(description.count == "sts-proc:prod:".count + 16)
        #expect(description != KernelKeyringCache.description(profile: "prod", material: "abd"))
    }
}
