import Testing
@testable import STSProcCore

@Suite struct PlanBuilderTests {
    private let now = UTCTime(secondsSinceEpoch: 1_795_352_707)

    private func plan(_ profile: String, config: String, credentials: String = "",
                      environment: [String: String] = [:]) throws(STSProcError) -> CredentialPlan {
        try makeTestPlan(config, credentials: credentials, environment: environment, profile: profile,
                         now: now.secondsSinceEpoch)
    }

    private func failure(_ profile: String, config: String, credentials: String = "",
                         environment: [String: String] = [:]) -> STSProcError? {
        do {
            _ = try plan(profile, config: config, credentials: credentials, environment: environment)
            return nil
        } catch {
            return error
        }
    }

    private let baseKeys = "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = basesecret\n"

    @Test func prefixedKeysMakeAnAssumeRolePlanWithDefaults() throws {
        let result = try plan("p", config: """
            [profile p]
            credential_process = sts-proc --profile p
            sts_proc_role_arn = arn:aws:iam::111122223333:role/Admin
            sts_proc_source_profile = base
            region = eu-west-1
            """, credentials: baseKeys)
        #expect(result.source == .staticKeys(AWSCredentials(accessKeyID: "AKIABASE", secretAccessKey: "basesecret"), profile: "base"))
        #expect(result.roles.count == 1)
        #expect(result.roles[0].parameters.roleARN == "arn:aws:iam::111122223333:role/Admin")
        #expect(result.roles[0].parameters.roleSessionName == "sts-proc-1795352707")
        #expect(result.roles[0].parameters.durationSeconds == 3600)
        #expect(result.endpoint.url == "https://sts.eu-west-1.amazonaws.com")
        #expect(result.maxAttempts == 3)
    }

    @Test func prefixedKeysWinOverPlainOnes() throws {
        let result = try plan("p", config: """
            [profile p]
            role_arn = arn:aws:iam::111122223333:role/Plain
            sts_proc_role_arn = arn:aws:iam::111122223333:role/Prefixed
            source_profile = base
            """, credentials: baseKeys)
        #expect(result.roles[0].parameters.roleARN == "arn:aws:iam::111122223333:role/Prefixed")
    }

    @Test func chainsAreAssumedInnermostFirstWithEachProfilesOwnSettings() throws {
        let result = try plan("outer", config: """
            [profile outer]
            role_arn = arn:aws:iam::111122223333:role/Outer
            source_profile = inner
            external_id = outer-ext
            [profile inner]
            role_arn = arn:aws:iam::444455556666:role/Inner
            source_profile = base
            duration_seconds = 900
            role_session_name = inner-sess
            [profile base]
            aws_access_key_id = AKIACONFIG
            aws_secret_access_key = s
            """)
        #expect(result.roles.map(\.profile) == ["inner", "outer"])
        #expect(result.roles[0].parameters.durationSeconds == 900)
        #expect(result.roles[0].parameters.roleSessionName == "inner-sess")
        #expect(result.roles[1].parameters.externalID == "outer-ext")
        #expect(result.source.givenCredentials?.accessKeyID == "AKIACONFIG")
    }

    @Test func aProfileMayNameItselfAsSourceWhenItHoldsKeys() throws {
        let result = try plan("self", config: "[profile self]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = self\n",
                              credentials: "[self]\naws_access_key_id = AKIASELF\naws_secret_access_key = s\n")
        #expect(result.source.givenCredentials?.accessKeyID == "AKIASELF")
        #expect(result.roles.count == 1)
    }

    @Test func allOptionalParametersReachTheRequest() throws {
        let result = try plan("p", config: """
            [profile p]
            role_arn = arn:aws:iam::111122223333:role/R
            source_profile = base
            external_id = ext-1
            policy = {"Version":"2012-10-17"}
            policy_arns = arn:aws:iam::aws:policy/ReadOnlyAccess, arn:aws:iam::aws:policy/Billing
            tags = Project=blue,Team=core
            transitive_tag_keys = Project
            source_identity = alice
            """, credentials: baseKeys)
        let form = result.roles[0].parameters.formParameters.map { "\($0.0)=\($0.1)" }
        #expect(form.contains("ExternalId=ext-1"))
        #expect(form.contains("Policy={\"Version\":\"2012-10-17\"}"))
        #expect(form.contains("PolicyArns.member.2.arn=arn:aws:iam::aws:policy/Billing"))
        #expect(form.contains("Tags.member.2.Key=Team"))
        #expect(form.contains("Tags.member.2.Value=core"))
        #expect(form.contains("TransitiveTagKeys.member.1=Project"))
        #expect(form.contains("SourceIdentity=alice"))
    }

    @Test func credentialSourceEnvironmentReadsTheVariables() throws {
        let result = try plan("p", config: "[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\ncredential_source = Environment\n",
                              environment: ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "t"])
        #expect(result.source == .environment(AWSCredentials(accessKeyID: "AKIAENV", secretAccessKey: "s", sessionToken: "t")))
        #expect(failure("p", config: "[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\ncredential_source = Environment\n")?
                    .message.contains("AWS_ACCESS_KEY_ID") == true)
    }

    @Test func staticKeysAloneAreServedAsTheyAre() throws {
        let result = try plan("base", config: "", credentials: baseKeys)
        #expect(result.roles.isEmpty)
        #expect(result.source.givenCredentials?.accessKeyID == "AKIABASE")
    }

    @Test func regionAndEndpointSettingsFollowTheSpec() throws {
        let config = """
            [profile p]
            role_arn = arn:aws:iam::111122223333:role/R
            source_profile = base
            services = local
            [services local]
            sts =
              endpoint_url = http://127.0.0.1:5000
            """
        let fromServices = try plan("p", config: config, credentials: baseKeys, environment: ["AWS_REGION": "eu-north-1"])
        #expect(fromServices.endpoint.url == "http://127.0.0.1:5000")
        #expect(fromServices.endpoint.signingRegion == "eu-north-1")
        let fromEnvironment = try plan("p", config: config, credentials: baseKeys,
                                       environment: ["AWS_ENDPOINT_URL_STS": "http://127.0.0.1:6000", "AWS_MAX_ATTEMPTS": "5"])
        #expect(fromEnvironment.endpoint.url == "http://127.0.0.1:6000")
        #expect(fromEnvironment.endpoint.signingRegion == "us-east-1")
        #expect(fromEnvironment.maxAttempts == 5)
        let ignored = try plan("p", config: config, credentials: baseKeys,
                               environment: ["AWS_ENDPOINT_URL_STS": "http://x", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"])
        #expect(ignored.endpoint.url == "https://sts.us-east-1.amazonaws.com")
    }

    @Test func badInputFailsWithTheSettingNamedAndTheProfileAttached() {
        let cases: [(String, String, String)] = [
            ("[profile p]\nrole_arn = nope\nsource_profile = base\n", "role_arn", "p"),
            ("[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = base\nduration_seconds = 60\n", "duration_seconds", "p"),
            ("[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = base\nrole_session_name = a b\n", "role_session_name", "p"),
            ("[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = base\ncredential_source = Environment\n", "credential_source", "p"),
            ("[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\n", "source_profile", "p"),
            ("[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = base\nmax_attempts = 0\n", "max_attempts", "p"),
        ]
        for (config, expected, profile) in cases {
            let error = failure(profile, config: config, credentials: baseKeys)
            #expect(error?.message.contains(expected) == true, "\(config) → \(error?.message ?? "no error")")
            #expect(error?.profile == profile)
            #expect(error?.kind == .configuration)
        }
        // A profile without a role or keys in the files takes its key from the keyring,
        // which is read when fetching (so that planning never touches D-Bus).
        let own = try? plan("p", config: "[profile p]\nregion = x\n", credentials: baseKeys)
        #expect(own?.source.keysProfile == "p" && own?.source.isLongTermKeys == true)
        // So does a source profile that no file names (`keys add` made it), and a profile
        // no file defines at all, which is "not found" only if the keyring has no key either.
        let source = try? plan("p", config: "[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = nobody\n",
                               credentials: baseKeys)
        #expect(source?.source.keysProfile == "nobody")
        if case .storedKeys(_, let absent)? = (try? plan("ghost", config: "", credentials: baseKeys))?.source {
            #expect(absent.message.contains("profile not found"))
        } else {
            Issue.record("a profile no file defines must fall back to the keyring")
        }
    }

    @Test func cyclesAreReportedByName() {
        let error = failure("a", config: """
            [profile a]
            role_arn = arn:aws:iam::111122223333:role/A
            source_profile = b
            [profile b]
            role_arn = arn:aws:iam::111122223333:role/B
            source_profile = a
            """)
        #expect(error?.message.contains("cycle") == true)
        #expect(error?.message.contains("a → b → a") == true)
    }

    @Test func chainsDeeperThanTenAreRefused() {
        var config = ""
        for index in 0...11 {
            config += "[profile p\(index)]\nrole_arn = arn:aws:iam::111122223333:role/R\(index)\nsource_profile = p\(index + 1)\n"
        }
        let error = failure("p0", config: config, credentials: "[p12]\naws_access_key_id = A\naws_secret_access_key = s\n")
        #expect(error?.message.contains("chain") == true)
    }

    @Test func incompleteKeysAndMissingProfilesAreExplained() {
        #expect(failure("base", config: "", credentials: "[base]\naws_access_key_id = A\n")?.message.contains("aws_secret_access_key") == true)
        // Reported when fetching, once the keyring has no key for it either.
        guard case .storedKeys(_, let missing)? = (try? plan("ghost", config: "[profile other]\n"))?.source else {
            Issue.record("a missing profile must fall back to the keyring")
            return
        }
        #expect(missing.message.contains("not found") && missing.message.contains("/cfg"))
    }

    @Test func secretsNeverAppearInErrors() {
        let error = failure("p", config: "[profile p]\nrole_arn = bad\nsource_profile = base\n", credentials: baseKeys)
        #expect(error?.message.contains("basesecret") == false)
    }
}
