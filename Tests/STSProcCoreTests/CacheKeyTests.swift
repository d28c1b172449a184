import Testing
@testable import STSProcCore

@Suite struct CacheKeyTests {
    private func plan(_ extra: String = "", now: Int64 = 1_000, keyID: String = "AKIABASE") throws -> CredentialPlan {
        try makeTestPlan("[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = base\n" + extra,
                         credentials: "[base]\naws_access_key_id = \(keyID)\naws_secret_access_key = s\n", now: now)
    }

    private func key(_ extra: String = "", now: Int64 = 1_000, keyID: String = "AKIABASE") throws -> String {
        CacheKey(plan: try plan(extra, now: now, keyID: keyID)).digest
    }

    @Test func isAStableHexDigest() throws {
        let digest = try key()
        #expect(digest.count == 64)
        #expect(digest.allSatisfy { $0.isHexDigit })
        #expect(try key() == digest)
    }

    @Test func theDefaultSessionNameDoesNotChangeTheKeyEveryRun() throws {
        #expect(try key(now: 1_000) == key(now: 2_000))
    }

    @Test(arguments: ["external_id = ext-1", "duration_seconds = 900", "role_session_name = alice",
                      "policy = {\"Version\":\"2012-10-17\"}", "policy_arns = arn:aws:iam::aws:policy/ReadOnlyAccess",
                      "tags = A=b", "transitive_tag_keys = A", "source_identity = alice",
                      "region = eu-west-1", "endpoint_url = http://127.0.0.1:1"])
    func everySettingThatShapesTheRequestChangesTheKey(_ setting: String) throws {
        #expect(try key(setting) != key())
    }

    @Test func theRoleAndTheSourcePrincipalChangeTheKey() throws {
        #expect(try key(keyID: "AKIAOTHER") != key())
        let otherPlan = try makeTestPlan(
            "[profile p]\nrole_arn = arn:aws:iam::111122223333:role/Other\nsource_profile = base\n",
            credentials: "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n", now: 1_000)
        #expect(CacheKey(plan: otherPlan).digest != (try key()))
    }

    @Test func valuesCannotImitateSeparators() throws {
        // A policy continued over two lines keeps its line break inside its length.
        let policy = "{\"Version\":\"2012-10-17\",\n\"Statement\":[]}"
        let material = CacheKey.material(of: try plan("policy = {\"Version\":\"2012-10-17\",\n  \"Statement\":[]}\n"))
        #expect(material.contains("\npolicy=\(policy.utf8.count):\(policy)\n"))
        // A value shaped like further fields cannot pass for them.
        #expect(CacheKey.material([("a", "b\nc=1:d")]) != CacheKey.material([("a", "b"), ("c", "d")]))
    }
}
