import Testing
@testable import STSProcCore

@Suite struct SettingKeyTests {
    @Test func editDistanceAndNearest() {
        #expect(SettingNameCheck.editDistance("sts_proc_role_arm", "sts_proc_role_arn") == 1)
        #expect(SettingNameCheck.editDistance("", "abc") == 3)
        #expect(SettingNameCheck.nearest("sts_proc_role_arm", among: SettingKey.allCases.map(\.prefixed)) == "sts_proc_role_arn")
        #expect(SettingNameCheck.nearest("sts_proc_mintl", among: SettingKey.allCases.map(\.prefixed)) == "sts_proc_min_ttl")
        #expect(SettingNameCheck.nearest("prdo", among: ["prod", "dev"]) == "prod")
        #expect(SettingNameCheck.nearest("zzzz", among: ["prod", "dev"]) == nil)
    }

    @Test func knownKeysAreNotReported() {
        var values: [String: INIValue] = [:]
        for key in SettingKey.allCases { values[key.prefixed] = .text("x") }
        values["sts_proc_role_arm"] = .text("x")
        values["role_arm"] = .text("x")  // botocore's business, not sts-proc's
        let unknown = SettingNameCheck.unknownKeys(of: Profile(name: "p", values: values))
        #expect(unknown.map(\.key) == ["sts_proc_role_arm"])
    }

    /// Every sts_proc_ key the shipped examples use is one sts-proc reads.
    @Test func everyExampleKeyIsKnown() throws {
        for name in ConfigExamplesTests.exampleFiles {
            let text = String(decoding: try Fixtures.bytes("../../../config-examples/" + name), as: UTF8.self)
            let config = try SharedConfig(configText: text, configPath: name, credentialsText: nil, credentialsPath: "/none")
            for profile in config.profiles.keys {
                #expect(SettingNameCheck.unknownKeys(of: config.profile(named: profile)!).isEmpty, "\(name) [\(profile)]")
            }
        }
    }

    @Test func interpolationGivesTheFileName() {
        #expect("\(SettingKey.roleARN)" == "role_arn")
        #expect(SettingKey.minTTL.prefixed == "sts_proc_min_ttl")
    }
}
