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
        "services": .nested(["addressing_style": "path"]),
        "sts_proc_policy": .nested(["a": "b"]),
        "sts_proc_source_profile": .text("base"),
    ])

    @Test func prefixedKeyWins() {
        #expect(profile.setting(.roleARN) == "arn:prefixed")
    }

    @Test func plainKeyIsTheFallback() {
        #expect(Profile(name: "q", values: ["role_arn": .text("arn:plain")]).setting(.roleARN) == "arn:plain")
    }

    @Test func emptyPrefixedValueFallsThroughToThePlainKey() {
        #expect(profile.setting(.externalID) == "plain-id")
    }

    @Test func emptyValueIsUnset() {
        #expect(profile.setting(.region) == nil)
        #expect(profile.setting(.tags) == nil)
    }

    @Test func nestedValuesAreNotSettings() {
        #expect(profile.setting(.services) == nil)
        #expect(profile.setting(.policy) == nil)
    }

    @Test func ownSettingReadsOnlyThePrefixedKey() {
        #expect(profile.ownSetting(.minTTL) == "1200")
        #expect(profile.ownSetting(.cache) == nil)
        #expect(profile.ownSetting(.externalID) == nil)
        #expect(profile.ownSetting(.sourceProfile) == "base")
    }

    @Test func hasPlainSettingLooksAtTheUnprefixedKeyOnly() {
        #expect(profile.hasPlainSetting(.roleARN))
        #expect(profile.hasPlainSetting(.services))
        #expect(!profile.hasPlainSetting(.region))
        #expect(!profile.hasPlainSetting(.sourceProfile))
        #expect(!profile.hasPlainSetting(.tags))
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
        #expect(prod.setting(.roleARN) == "arn:aws:iam::111122223333:role/Admin")
        #expect(prod.setting(.sourceProfile) == "base")
        #expect(prod.setting(.region) == "eu-west-1")
        #expect(!prod.hasPlainSetting(.roleARN))
        #expect(config.profile(named: "missing") == nil)
    }
}
