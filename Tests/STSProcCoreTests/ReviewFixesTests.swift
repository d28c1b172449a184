import Glibc
import Testing
@testable import STSProcCore

/// Behaviours settled after review, each against what botocore does or a concrete hazard.
@Suite struct ReviewFixesTests {
    private func plan(_ config: String, credentials: String = "", environment: [String: String] = [:]) throws(STSProcError) -> CredentialPlan {
        try makeTestPlan(config, credentials: credentials, environment: environment)
    }

    @Test func aSourceProfilesKeysWinOverItsRoleLikeBotocore() throws {
        let result = try plan("""
            [profile p]
            role_arn = arn:aws:iam::111122223333:role/Prod
            source_profile = base
            [profile base]
            role_arn = arn:aws:iam::111122223333:role/Deploy
            source_profile = root
            """, credentials: "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n")
        #expect(result.roles.map(\.parameters.roleARN) == ["arn:aws:iam::111122223333:role/Prod"])
        #expect(result.source.keysProfile == "base")
    }

    @Test func webIdentityVariablesApplyToTheProfileAskedForOnly() {
        let environment = ["AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/Pod"]
        let made = try? plan("[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = base\n[profile base]\nregion = x\n",
                             environment: environment)
        // Not the pod's role: base's own key, from the keyring.
        guard case .storedKeys("base", let absent)? = made?.source else {
            Issue.record("expected base's stored key, got \(String(describing: made?.source))")
            return
        }
        #expect(absent.message.contains("source profile base has no credentials"))
    }

    @Test func largeAttemptCountsAreCappedNotRefused() throws {
        let config = "[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = base\n"
        let keys = "[base]\naws_access_key_id = A\naws_secret_access_key = s\n"
        #expect(try plan(config, credentials: keys, environment: ["AWS_MAX_ATTEMPTS": "25"]).maxAttempts == 10)
        #expect(throws: STSProcError.self) { try plan(config, credentials: keys, environment: ["AWS_MAX_ATTEMPTS": "0"]) }
    }

    @Test(arguments: [("http://127.0.0.1:8080/creds", true), ("http://localhost/x", true), ("http://[::1]:9/x", true),
                      ("http://169.254.170.23/v1", true), ("http://127.corp.example/x", false),
                      ("http://localhost:x@evil.example/x", false), ("http://evil.example/127.0.0.1", false),
                      ("http://[fd00:ec2::23]/x", true), ("http://1270.0.0.1/", false)])
    func plainHTTPContainerHosts(_ url: String, _ allowed: Bool) {
        #expect(ContainerEndpoint.isAllowedHTTPHost(ContainerEndpoint.host(of: url)) == allowed, "\(url)")
    }

    @Test func aCommandThatClosesItsOutputAndLingersIsStopped() {
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        do {
            _ = try ExternalCommand.run("sh -c 'echo token; exec >/dev/null 2>&1; sleep 30'", timeLimit: 0.5)
            Issue.record("a lingering command was waited for")
        } catch {
            #expect(error.reason.contains("did not finish"))
        }
        var end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &end)
        #expect(end.tv_sec - start.tv_sec < 3)
    }

    @Test func clearingOneProfilesKernelCopiesLeavesLookalikeNames() throws {
        let cache = try privateKernelKeyring()
        let name = "review-\(getpid())"
        let now = UTCTime(secondsSinceEpoch: Int64(time(nil)))
        let credentials = AWSCredentials(accessKeyID: "ASIA", secretAccessKey: "s", sessionToken: "t", expiration: now.adding(seconds: 3600))
        cache.write(profile: name + ":b", material: "m", credentials: credentials, validAfter: now)
        cache.removeAll(profile: name)
        #expect(cache.read(profile: name + ":b", material: "m", validAfter: now) != nil)
        cache.removeAll(profile: name + ":b")
        #expect(cache.read(profile: name + ":b", material: "m", validAfter: now) == nil)
    }
}
