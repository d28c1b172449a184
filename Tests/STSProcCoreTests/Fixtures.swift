import Glibc
import Testing
@testable import STSProcCore

/// Real STS and moto responses captured from moto and the AWS CLI, kept in Fixtures/.
/// Read with Glibc: importing Foundation here would clash with libxml2's ICU headers.
enum Fixtures {
    struct Missing: Error { let path: String }

    static func bytes(_ name: String) throws -> [UInt8] {
        let folder = String(#filePath.prefix(upTo: #filePath.lastIndex(of: "/")!))
        let path = folder + "/Fixtures/" + name
        guard let file = fopen(path, "rb") else { throw Missing(path: path) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes += chunk[0..<count]
        }
        return bytes
    }
}


/// A plan from inline config and credentials text, as the command would build it.
func makeTestPlan(_ config: String, credentials: String = "", environment: [String: String] = [:],
                  profile: String = "p", now: Int64 = 0) throws(STSProcError) -> CredentialPlan {
    let shared = try SharedConfig(configText: config, configPath: "/cfg", credentialsText: credentials, credentialsPath: "/creds")
    return try PlanBuilder(config: shared, environment: environment, now: UTCTime(secondsSinceEpoch: now))
        .makePlan(profileName: profile)
}

/// A kernel-keyring cache over a keyring of the calling test's own, so that no test reads,
/// adds or removes copies in the user keyring of the person running the tests.
func privateKernelKeyring() throws -> KernelKeyringCache {
    try #require(KernelKeyringCache.makePrivate(), "the kernel refused a keyring of the test's own")
}
