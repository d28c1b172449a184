import Testing
@testable import STSProcCore

@Suite struct SettingParsersTests {
    @Test(arguments: ["arn:aws:iam::123456789012:role/Admin", "arn:aws-cn:iam::123456789012:role/path/to/R_1+=,.@-",
                      "arn:aws-us-gov:iam::123456789012:role/x"])
    func acceptsRoleARNs(_ arn: String) throws {
        #expect(try SettingParsers.roleARN(arn) == arn)
    }

    @Test(arguments: ["", "Admin", "arn:aws:iam::12345678901:role/Admin", "arn:aws:iam::123456789012:user/Admin",
                      "arn:aws:sts::123456789012:role/Admin", "arn:aws:iam::123456789012:role/",
                      "arn:aws:iam:eu-west-1:123456789012:role/Admin", "arn:aws:iam::123456789012:role/a b"])
    func rejectsWhatIsNotARoleARN(_ arn: String) {
        #expect(throws: STSProcError.self) { try SettingParsers.roleARN(arn) }
    }

    @Test func durationMustBeWithinSTSLimits() throws {
        #expect(try SettingParsers.durationSeconds("900") == 900)
        #expect(try SettingParsers.durationSeconds("43200") == 43_200)
        for bad in ["899", "43201", "60", "1h", "", "-900"] {
            #expect(throws: STSProcError.self) { try SettingParsers.durationSeconds(bad) }
        }
    }

    @Test func sessionNamesFollowTheSTSPattern() throws {
        #expect(try SettingParsers.roleSessionName("user@example.com") == "user@example.com")
        for bad in ["a", String(repeating: "a", count: 65), "has space", "semi;colon", "ümlaut"] {
            #expect(throws: STSProcError.self) { try SettingParsers.roleSessionName(bad) }
        }
    }

    @Test func tagsAndListsParse() throws {
        let tags = try SettingParsers.tags("Project=blue, Team = core,Empty=")
        #expect(tags == [.init(key: "Project", value: "blue"), .init(key: "Team", value: "core"), .init(key: "Empty", value: "")])
        #expect(throws: STSProcError.self) { try SettingParsers.tags("novalue") }
        #expect(throws: STSProcError.self) { try SettingParsers.tags("=v") }
        #expect(SettingParsers.commaList(" a, ,b ,") == ["a", "b"])
        #expect(try SettingParsers.policyARNs("arn:aws:iam::aws:policy/ReadOnlyAccess") == ["arn:aws:iam::aws:policy/ReadOnlyAccess"])
        #expect(throws: STSProcError.self) { try SettingParsers.policyARNs("ReadOnlyAccess") }
    }

    @Test func booleansAreTrueOnlyForTheWordTrue() {
        #expect(SettingParsers.boolean("true"))
        #expect(SettingParsers.boolean("TRUE"))
        #expect(!SettingParsers.boolean("1"))
        #expect(!SettingParsers.boolean("yes"))
        #expect(!SettingParsers.boolean(nil))
    }

    @Test func errorsNameTheSetting() {
        do {
            _ = try SettingParsers.durationSeconds("60")
            Issue.record("accepted 60")
        } catch {
            #expect(error.message.contains("duration_seconds"))
            #expect(error.kind == .configuration)
        }
    }
}
