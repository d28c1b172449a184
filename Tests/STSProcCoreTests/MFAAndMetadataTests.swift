import Testing
@testable import STSProcCore

@Suite struct MFAPlanTests {
    private let keys = "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n"

    private func plan(_ config: String, credentials: String? = nil, profile: String = "p") throws(STSProcError) -> CredentialPlan {
        try makeTestPlan(config, credentials: credentials ?? keys, profile: profile)
    }

    @Test func mfaSerialOnARoleProfileMakesAnMFASessionOverTheSourceKeys() throws {
        let result = try plan("""
            [profile p]
            role_arn = arn:aws:iam::111122223333:role/R
            source_profile = base
            mfa_serial = arn:aws:iam::111122223333:mfa/alice
            sts_proc_mfa_process = ykman oath accounts code -s aws
            sts_proc_mfa_session_seconds = 3600
            """)
        #expect(result.mfa == MFASettings(profile: "p", serialNumber: "arn:aws:iam::111122223333:mfa/alice",
                                          sessionSeconds: 3600,
                                          codeSource: .process("ykman oath accounts code -s aws", timeLimit: 30)))
        #expect(result.roles.count == 1)
    }

    @Test func withoutMFAProcessTheTerminalIsAsked() throws {
        let result = try plan("[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = base\nmfa_serial = GAHT12345678\n")
        #expect(result.mfa?.codeSource == .terminal)
        #expect(result.mfa?.sessionSeconds == 43_200)
    }

    @Test func aStaticKeyProfileWithMFASerialServesTheSession() throws {
        let result = try plan("", credentials: keys + "mfa_serial = arn:aws:iam::111122223333:mfa/alice\n", profile: "base")
        #expect(result.roles.isEmpty)
        #expect(result.mfa != nil)
        #expect(result.obtainsTemporaryCredentials)
    }

    @Test func theMFASerialShapesTheRoleCacheKey() throws {
        let config = "[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = base\n"
        #expect(CacheKey(plan: try plan(config)) != CacheKey(plan: try plan(config + "mfa_serial = GAHT12345678\n")))
    }

    @Test func mfaNeedsLongTermKeysAndAValidSerialAndSessionLength() {
        let cases: [(String, String, String)] = [
            ("[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = base\nmfa_serial = x\n", keys, "mfa_serial"),
            ("[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = base\nmfa_serial = GAHT12345678\n",
             keys + "aws_session_token = t\n", "long-term keys"),
            ("[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = base\nmfa_serial = GAHT12345678\nsts_proc_mfa_session_seconds = 200000\n",
             keys, "sts_proc_mfa_session_seconds"),
        ]
        for (config, credentials, expected) in cases {
            do {
                _ = try plan(config, credentials: credentials)
                Issue.record("accepted: \(config)")
            } catch {
                #expect(error.message.contains(expected), "\(error.message)")
            }
        }
    }
}

@Suite struct MFACodeReaderTests {
    private func settings(_ command: String) -> MFASettings {
        MFASettings(profile: "p", serialNumber: "GAHT12345678", sessionSeconds: 900, codeSource: .process(command, timeLimit: 5))
    }

    @Test func aProcessCodeIsTrimmedAndChecked() throws {
        #expect(try MFACodeReader.code(for: settings("printf ' 123456\\n'")) == "123456")
        for bad in ["echo 12345", "echo 1234567", "echo abcdef", "echo"] {
            do {
                _ = try MFACodeReader.code(for: settings(bad))
                Issue.record("accepted \(bad)")
            } catch {
                #expect(error.message.contains("not six digits"))
                #expect(!error.message.contains("12345"))
            }
        }
    }

    @Test func aFailingProcessIsReported() {
        #expect(throws: STSProcError.self) { try MFACodeReader.code(for: settings("false")) }
    }
}

@Suite struct MetadataSourceTests {
    @Test func credentialsDocumentsParse() throws {
        let body = #"{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIA1","SecretAccessKey":"s","Token":"t","Expiration":"2026-11-22T13:05:07Z"}"#
        let credentials = try MetadataCredentialDocument.parse(Array(body.utf8))
        #expect(credentials.accessKeyID == "ASIA1")
        #expect(credentials.sessionToken == "t")
        #expect(throws: MetadataCredentialDocument.Problem.self) { try MetadataCredentialDocument.parse(Array("<html>".utf8)) }
        #expect(throws: MetadataCredentialDocument.Problem.failed(code: "AssumeRoleUnauthorizedAccess", message: "no")) {
            try MetadataCredentialDocument.parse(Array(#"{"Code":"AssumeRoleUnauthorizedAccess","Message":"no"}"#.utf8))
        }
        #expect(throws: MetadataCredentialDocument.Problem.incomplete) {
            try MetadataCredentialDocument.parse(Array(#"{"AccessKeyId":"A"}"#.utf8))
        }
    }

    @Test func containerEndpointsFromTheEnvironment() throws {
        #expect(try ContainerEndpoint.fromEnvironment(["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/x"])
                == ContainerEndpoint(url: "http://169.254.170.2/v2/credentials/x", authorization: nil))
        let full = try ContainerEndpoint.fromEnvironment([
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:8080/creds",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "tok", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/t"])
        #expect(full == ContainerEndpoint(url: "http://127.0.0.1:8080/creds", authorization: .tokenFile("/t")))
        #expect(try ContainerEndpoint.fromEnvironment(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1"]) != nil)
        #expect(try ContainerEndpoint.fromEnvironment(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "https://creds.example.com/x"]) != nil)
        #expect(throws: STSProcError.self) {
            try ContainerEndpoint.fromEnvironment(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://evil.example.com/x"])
        }
        #expect(try ContainerEndpoint.fromEnvironment([:]) == nil)
    }

    @Test func instanceMetadataSettingsFollowTheSDKs() throws {
        let config = try SharedConfig(configText: "[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\ncredential_source = Ec2InstanceMetadata\n",
                                      configPath: "/cfg", credentialsText: nil, credentialsPath: "/creds")
        func plan(_ environment: [String: String]) throws(STSProcError) -> CredentialPlan {
            try PlanBuilder(config: config, environment: environment, now: UTCTime(secondsSinceEpoch: 0)).makePlan(profileName: "p")
        }
        #expect(try plan([:]).source == .instanceMetadata(.init(baseURL: "http://169.254.169.254", timeoutSeconds: 1, attempts: 1)))
        #expect(try plan(["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:9/", "AWS_METADATA_SERVICE_TIMEOUT": "2",
                          "AWS_METADATA_SERVICE_NUM_ATTEMPTS": "3"]).source
                == .instanceMetadata(.init(baseURL: "http://127.0.0.1:9", timeoutSeconds: 2, attempts: 3)))
        #expect(try plan(["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6"]).source
                == .instanceMetadata(.init(baseURL: "http://[fd00:ec2::254]", timeoutSeconds: 1, attempts: 1)))
        #expect(throws: STSProcError.self) { try plan(["AWS_EC2_METADATA_DISABLED": "true"]) }
    }
}
