import Testing
@testable import STSProcCore

/// `doctor --profile X` follows X's credential_process line to the profile it names.
@Suite struct DoctorLineTests {
    private let keys = "[base]\naws_access_key_id = AKIABASE1234\naws_secret_access_key = s\n"

    private func doctor(_ config: String, environment: [String: String] = ["PATH": "/bin"],
                        storedKey: @escaping (String) throws(KeyringFailure) -> StoredAccessKey? = { _ in nil }) throws -> Doctor {
        let shared = try SharedConfig(configText: config, configPath: "/cfg", credentialsText: keys, credentialsPath: "/creds")
        return Doctor(config: shared, environment: environment, now: UTCTime(secondsSinceEpoch: 0), store: FixedStore(),
                      storedKey: storedKey)
    }

    private func problems(_ report: DoctorReport) -> [String] {
        report.findings.filter { $0.level == .problem }.map(\.code)
    }

    private func role(_ name: String, plain: Bool = false) -> String {
        let prefix = plain ? "" : "sts_proc_"
        return "[profile \(name)]\n\(prefix)role_arn = arn:aws:iam::111122223333:role/R\n\(prefix)source_profile = base\nregion = eu-west-1\n"
    }

    @Test func aLinePointingAtAnotherProfileIsFollowed() throws {
        // README's existing-profile.ini: ops-cached runs sts-proc for ops, which has plain keys.
        let config = role("ops", plain: true) + "[profile ops-cached]\ncredential_process = \(standIn) --profile ops\nregion = eu-west-1\n"
        let report = try doctor(config).examine(asked: "ops-cached")
        #expect(report.profile == "ops" && report.callers == ["ops-cached"])
        #expect(problems(report) == [])
        #expect(report.text.contains("AssumeRole arn:aws:iam::111122223333:role/R (profile ops"))
    }

    @Test func aLineWithoutProfileIsAProblemAndShowsWhatItServes() throws {
        let config = role("p") + "credential_process = \(standIn)\n[default]\nregion = eu-west-1\n"
        let report = try doctor(config.replacingOccurrences(of: "[base]", with: "")).examine(asked: "p")
        #expect(report.profile == "default")
        #expect(problems(report).first == "no-profile-argument")
        let finding = try #require(report.findings.first { $0.code == "no-profile-argument" })
        #expect(finding.text.contains("add --profile p"))
    }

    @Test func aMisspeltProfileIsNamedWithTheNearestOne() throws {
        let config = role("prod") + "credential_process = \(standIn) --profile prdo\n"
        let report = try doctor(config).examine(asked: "prod")
        #expect(problems(report) == ["unknown-profile"])
        #expect(report.findings.contains { $0.text.contains("did you mean prod?") && $0.text.contains("[prod]") })
    }

    @Test func aProfileOnlyTheKeyringKnowsIsNoUnknownProfile() throws {
        let config = "[profile p]\ncredential_process = \(standIn) --profile k\nregion = eu-west-1\n"
        let key = StoredAccessKey(profile: "k", credentials: AWSCredentials(accessKeyID: "AKIAKEYRING1", secretAccessKey: "s"),
                                  created: UTCTime(secondsSinceEpoch: 0))
        let report = try doctor(config, storedKey: { $0 == "k" ? key : nil }).examine(asked: "p")
        #expect(problems(report) == [])
    }

    @Test func aRelativeProgramPathIsAProblemAndBareOrAbsoluteAreNot() throws {
        for (program, expected) in [("./sts-proc", ["relative-program-path"]), ("bin/sts-proc", ["relative-program-path"]),
                                    ("~/bin/sts-proc", ["relative-program-path"]), (standIn, [])] {
            let config = role("p") + "credential_process = \(program) --profile p\n"
            #expect(problems(try doctor(config).examine(asked: "p")) == expected, "\(program)")
        }
        let bare = role("p") + "credential_process = sts-proc --profile p\n"
        let folder = String(standIn.dropLast("/sts-proc".count))
        #expect(problems(try doctor(bare, environment: ["PATH": folder]).examine(asked: "p")) == [])
    }

    @Test func aSectionWithoutTheProfileWordIsNamed() throws {
        let config = "[p]\ncredential_process = \(standIn) --profile p\nsts_proc_role_arn = arn:aws:iam::111122223333:role/R\n[plugins]\ncli_legacy_plugin_path = x\n"
        let report = try doctor(config).examine(asked: "p")
        #expect(problems(report) == ["missing-profile-prefix"])
        #expect(report.findings[0].text.contains("rename the section to [profile p]"))
        // Without --profile: the section is found, [plugins] is left alone.
        let all = try doctor(config).examineAll()
        #expect(all.map(\.profile) == ["p"] && all.flatMap(problems) == ["missing-profile-prefix"])
    }

    @Test func unknownStsProcKeysAreNamedWithTheNearestKnownOne() throws {
        let config = role("p") + "credential_process = \(standIn) --profile p\nsts_proc_role_arm = x\nsts_proc_zzzzzzzzzz = 1\n"
        let report = try doctor(config).examine(asked: "p")
        #expect(problems(report) == ["unknown-setting", "unknown-setting"])
        #expect(report.findings.contains { $0.text.contains("sts_proc_role_arm") && $0.text.contains("did you mean sts_proc_role_arn?") })
        #expect(report.findings.contains { $0.text.contains("sts_proc_zzzzzzzzzz") && !$0.text.contains("did you mean") })
    }

    @Test func valuesBotocoreRefusesInTheCallerAreProblems() throws {
        let config = role("p") + "credential_process = \(standIn) --profile p\nretry_mode = fast\n"
        let report = try doctor(config).examine(asked: "p")
        #expect(problems(report) == ["botocore-refuses"])
        #expect(report.findings[0].text.contains("retry_mode in [p] is 'fast'"))
    }
}
