import Testing
@testable import STSProcCore

/// Rules where botocore's reading of a profile is not the obvious one; each was a
/// disagreement found by running the same config through both.
@Suite struct BotocoreAgreementTests {
    private let role = "[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = base\n"

    private func sourceKeys(config: String, credentials: String,
                            environment: [String: String] = [:]) throws(STSProcError) -> AWSCredentials? {
        try makeTestPlan(config, credentials: credentials, environment: environment).source.givenCredentials
    }

    @Test func staticKeysComeFromOneFileNeverAMix() throws {
        // A key ID in one file and the secret in the other: botocore finds no complete pair.
        #expect(throws: STSProcError.self) {
            try sourceKeys(config: role + "[profile base]\naws_secret_access_key = s\n",
                           credentials: "[base]\naws_access_key_id = AKIA1\n")
        }
        // Keys in the credentials file: a token in the config file is not sent with them.
        let keys = try sourceKeys(config: role + "[profile base]\naws_session_token = t\n",
                                  credentials: "[base]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n")
        #expect(keys == AWSCredentials(accessKeyID: "AKIA1", secretAccessKey: "s"))
        // Without a key ID in the credentials file, the config file's keys are used whole.
        let config = try sourceKeys(config: role + "[profile base]\naws_access_key_id = AKIA2\naws_secret_access_key = s2\naws_session_token = t2\n",
                                    credentials: "[base]\naws_session_token = other\n")
        #expect(config == AWSCredentials(accessKeyID: "AKIA2", secretAccessKey: "s2", sessionToken: "t2"))
    }

    @Test func theLegacyTokenNameIsLookedUpFirst() throws {
        let keys = try sourceKeys(config: role, credentials: "[base]\naws_access_key_id = AKIA1\naws_secret_access_key = s\naws_session_token = new\naws_security_token = old\n")
        #expect(keys?.sessionToken == "old")
        let environment = try sourceKeys(
            config: "[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\ncredential_source = Environment\n", credentials: "",
            environment: ["AWS_ACCESS_KEY_ID": "AKIA1", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "new", "AWS_SECURITY_TOKEN": "old"])
        #expect(environment?.sessionToken == "old")
        // Set but empty still wins: botocore then sends no token at all.
        let empty = try sourceKeys(
            config: "[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\ncredential_source = Environment\n", credentials: "",
            environment: ["AWS_ACCESS_KEY_ID": "AKIA1", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "new", "AWS_SECURITY_TOKEN": ""])
        #expect(empty?.sessionToken == nil)
    }

    @Test(arguments: ["us-east-1 # work", "123", "-eu", "eu-", "eu_west", String(repeating: "a", count: 64)])
    func regionNamesBotocoreRefusesAreRefusedOnEveryPath(_ region: String) {
        let keys = "[base]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n"
        #expect(throws: STSProcError.self) { try makeTestPlan(role + "region = \(region)\n", credentials: keys) }
        #expect(throws: STSProcError.self) {
            try makeTestPlan(role + "region = \(region)\nendpoint_url = http://127.0.0.1:9\n", credentials: keys)
        }
    }

    @Test func awsGlobalWithAConfiguredEndpointIsSignedAsWritten() throws {
        let plan = try makeTestPlan(role + "region = aws-global\nendpoint_url = http://127.0.0.1:9\n",
                                    credentials: "[base]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n")
        #expect(plan.endpoint.signingRegion == "aws-global")
        let regional = try makeTestPlan(role + "region = aws-global\n", credentials: "[base]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n")
        #expect(regional.endpoint.url == "https://sts.amazonaws.com" && regional.endpoint.signingRegion == "us-east-1")
    }

    // MARK: - A source profile's own credential_process

    private let process = "credential_process = printf '{\\\"Version\\\": 1, \\\"AccessKeyId\\\": \\\"AKIAPROC\\\", \\\"SecretAccessKey\\\": \\\"s\\\"}'\n"

    @Test func aSourceProfilesCredentialProcessIsRunAsBotocoreRunsIt() throws {
        let plan = try makeTestPlan(role + "[profile base]\n" + process)
        guard case .process(let source) = plan.source else {
            Issue.record("expected a process source, got \(plan.source)")
            return
        }
        #expect(source.profile == "base")
        #expect(try PlanExecutor.run(source) == AWSCredentials(accessKeyID: "AKIAPROC", secretAccessKey: "s"))
        #expect(CacheKey(plan: plan).material.contains("source-process="))
    }

    @Test func keysInTheCredentialsFileComeBeforeTheProcessAndTheProcessBeforeConfigKeys() throws {
        let credentialsKeys = try makeTestPlan(role + "[profile base]\n" + process,
                                               credentials: "[base]\naws_access_key_id = AKIAFILE\naws_secret_access_key = s\n")
        #expect(credentialsKeys.source.givenCredentials?.accessKeyID == "AKIAFILE")
        let configKeys = try makeTestPlan(role + "[profile base]\naws_access_key_id = AKIACONF\naws_secret_access_key = s\n" + process)
        guard case .process = configKeys.source else {
            Issue.record("the process must win over config-file keys, got \(configKeys.source)")
            return
        }
    }

    @Test func aProcessThatRunsStsProcForAProfileOnTheWayIsACycle() {
        do {
            _ = try makeTestPlan(role + "[profile base]\ncredential_process = /usr/bin/sts-proc --profile p\n")
            Issue.record("the cycle was not refused")
        } catch {
            #expect(error.message.contains("source_profile cycle: p → base → credential_process sts-proc --profile p"))
        }
    }

    @Test(arguments: [
        (#"{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "s"}"#, "Version 2, not 1"),
        (#"{"AccessKeyId": "A", "SecretAccessKey": "s"}"#, "Version missing"),
        (#"{"Version": 1, "AccessKeyId": "A"}"#, "lacks AccessKeyId or SecretAccessKey"),
        (#"{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "s", "Expiration": "soon"}"#, "not an ISO 8601 time"),
        (#"{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "s\n[x]"}"#, "line break"),
        ("not json", "not a JSON object"),
    ])
    func processOutputIsReadStrictly(_ output: String, _ needle: String) {
        guard case .failure(let problem) = ProcessCredentialDocument.parse(Array(output.utf8)) else {
            Issue.record("accepted \(output)")
            return
        }
        #expect(problem.text.contains(needle), "\(problem.text)")
        #expect(!problem.text.contains("\"s"), "the output must not be quoted back")
    }

    // MARK: - Present but empty

    @Test(arguments: [
        ("[profile p]\nrole_arn =\naws_access_key_id = AKIA1\naws_secret_access_key = s\n", "invalid role_arn"),
        ("[profile p]\nsts_proc_role_arn =\naws_access_key_id = AKIA1\naws_secret_access_key = s\n", "invalid role_arn"),
        ("[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = base\nexternal_id =\n", "invalid external_id"),
        ("[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile =\ncredential_source = Environment\n", "sets both source_profile and credential_source"),
        ("[profile p]\nrole_arn =\n  a = b\nsource_profile = base\n", "has indented sub-settings instead of a value"),
    ])
    func aKeyThatIsPresentButEmptyIsSetAsInBotocore(_ config: String, _ needle: String) {
        do {
            _ = try makeTestPlan(config, credentials: "[base]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n",
                                 environment: ["AWS_ACCESS_KEY_ID": "AKIA1", "AWS_SECRET_ACCESS_KEY": "s"])
            Issue.record("accepted: \(config)")
        } catch {
            #expect(error.message.contains(needle), "\(error.message)")
            #expect(error.exitCode == 2)
        }
    }

    @Test func anEmptyRoleSessionNameIsUnsetAsInBotocore() throws {
        let plan = try makeTestPlan(role + "role_session_name =\n", credentials: "[base]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n")
        #expect(plan.roles.first?.hasExplicitSessionName == false)
    }

    @Test func anEmptySessionTokenIsNoToken() throws {
        let keys = try sourceKeys(config: role, credentials: "[base]\naws_access_key_id = AKIA1\naws_secret_access_key = s\naws_session_token =\n")
        #expect(keys == AWSCredentials(accessKeyID: "AKIA1", secretAccessKey: "s"))
    }
}
