import Testing
@testable import STSProcCore

/// The prefix rule: `sts_proc_<key>` first, then `<key>`; empty values count as unset, as in botocore.
@Suite struct ProfileTests {
    private let profile = Profile(name: "p", values: [
        "role_arn": .text("arn:plain"),
        "sts_proc_role_arn": .text("arn:prefixed"),
        "sts_proc_external_id": .text(""),
        "external_id": .text("plain-id"),
        "region": .text(""),
        "sts_proc_min_ttl": .text("1200"),
        "cache": .text("none"),
        "s3": .nested(["addressing_style": "path"]),
        "sts_proc_policy": .nested(["a": "b"]),
        "sts_proc_source_profile": .text("base"),
    ])

    @Test func prefixedKeyWins() {
        #expect(profile.setting("role_arn") == "arn:prefixed")
    }

    @Test func plainKeyIsTheFallback() {
        #expect(Profile(name: "q", values: ["role_arn": .text("arn:plain")]).setting("role_arn") == "arn:plain")
    }

    @Test func emptyPrefixedValueFallsThroughToThePlainKey() {
        #expect(profile.setting("external_id") == "plain-id")
    }

    @Test func emptyValueIsUnset() {
        #expect(profile.setting("region") == nil)
        #expect(profile.setting("missing") == nil)
    }

    @Test func nestedValuesAreNotSettings() {
        #expect(profile.setting("s3") == nil)
        #expect(profile.setting("policy") == nil)
    }

    @Test func ownSettingReadsOnlyThePrefixedKey() {
        #expect(profile.ownSetting("min_ttl") == "1200")
        #expect(profile.ownSetting("cache") == nil)
        #expect(profile.ownSetting("external_id") == nil)
        #expect(profile.ownSetting("source_profile") == "base")
    }

    @Test func hasPlainSettingLooksAtTheUnprefixedKeyOnly() {
        #expect(profile.hasPlainSetting("role_arn"))
        #expect(profile.hasPlainSetting("s3"))
        #expect(!profile.hasPlainSetting("region"))
        #expect(!profile.hasPlainSetting("source_profile"))
        #expect(!profile.hasPlainSetting("missing"))
    }

    @Test func profileFromParsedConfig() throws {
        let config = try SharedConfig(configText: """
            [profile prod]
            credential_process = sts-proc --profile prod
            sts_proc_role_arn = arn:aws:iam::111122223333:role/Admin
            sts_proc_source_profile = base
            region = eu-west-1
            """, configPath: "/cfg", credentialsText: nil, credentialsPath: "/creds")
        let prod = try #require(config.profile(named: "prod"))
        #expect(prod.name == "prod")
        #expect(prod.setting("role_arn") == "arn:aws:iam::111122223333:role/Admin")
        #expect(prod.setting("source_profile") == "base")
        #expect(prod.setting("region") == "eu-west-1")
        #expect(!prod.hasPlainSetting("role_arn"))
        #expect(config.profile(named: "missing") == nil)
    }
}
