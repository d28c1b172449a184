import Testing
@testable import STSProcCore

@Suite struct FederatedPlanTests {
    private func plan(_ config: String, environment: [String: String] = [:]) throws(STSProcError) -> CredentialPlan {
        try makeTestPlan(config, environment: environment, now: 1_000)
    }

    @Test func aTokenFileMakesAWebIdentityPlan() throws {
        let result = try plan("""
            [profile p]
            sts_proc_role_arn = arn:aws:iam::111122223333:role/CI
            sts_proc_web_identity_token_file = /var/run/token
            sts_proc_duration_seconds = 900
            """)
        guard case .webIdentity(let source) = result.source else {
            Issue.record("not web identity: \(result.source)")
            return
        }
        #expect(source.roleARN == "arn:aws:iam::111122223333:role/CI")
        #expect(source.token == .file("/var/run/token", setting: "web_identity_token_file"))
        #expect(source.durationSeconds == 900)
        #expect(source.roleSessionName == "sts-proc-1000")
        #expect(!source.hasExplicitSessionName)
        #expect(result.roles.isEmpty)
        #expect(result.obtainsTemporaryCredentials)
    }

    @Test func environmentVariablesFillInWhatTheProfileLacks() throws {
        let environment = ["AWS_WEB_IDENTITY_TOKEN_FILE": "/env/token", "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/Env",
                           "AWS_ROLE_SESSION_NAME": "env-session"]
        guard case .webIdentity(let fromEnvironment) = try plan("[profile p]\nregion = eu-west-1\n", environment: environment).source else {
            Issue.record("environment form not used")
            return
        }
        #expect(fromEnvironment.roleARN == "arn:aws:iam::111122223333:role/Env")
        #expect(fromEnvironment.roleSessionName == "env-session")
        guard case .webIdentity(let mixed) = try plan(
            "[profile p]\nsts_proc_role_arn = arn:aws:iam::111122223333:role/Profile\n", environment: environment).source else {
            Issue.record("environment form not used")
            return
        }
        #expect(mixed.roleARN == "arn:aws:iam::111122223333:role/Profile")
        #expect(mixed.token == .file("/env/token", setting: "AWS_WEB_IDENTITY_TOKEN_FILE"))
    }

    @Test func aRoleProfileWithItsOwnSourceIsNotTakenOverByTheEnvironmentToken() throws {
        let result = try plan("""
            [profile p]
            role_arn = arn:aws:iam::111122223333:role/R
            credential_source = Environment
            """, environment: ["AWS_WEB_IDENTITY_TOKEN_FILE": "/env/token", "AWS_ACCESS_KEY_ID": "AKIA1",
                               "AWS_SECRET_ACCESS_KEY": "s"])
        #expect(result.roles.count == 1)
    }

    @Test func samlComesBeforeWebIdentityAndRoleChainsCanStartFromIt() throws {
        let result = try plan("""
            [profile p]
            sts_proc_role_arn = arn:aws:iam::444455556666:role/Spoke
            sts_proc_source_profile = corp
            [profile corp]
            sts_proc_saml_assertion_process = get-saml --quiet
            sts_proc_web_identity_token_file = /ignored
            sts_proc_principal_arn = arn:aws:iam::111122223333:saml-provider/Corp
            sts_proc_process_timeout = 5
            """)
        guard case .saml(let source) = result.source else {
            Issue.record("not SAML: \(result.source)")
            return
        }
        #expect(source.assertion == .process("get-saml --quiet", setting: "saml_assertion_process", timeLimit: 5))
        #expect(source.roleARN == nil)
        #expect(source.principalARN == "arn:aws:iam::111122223333:saml-provider/Corp")
        #expect(result.roles.map(\.parameters.roleARN) == ["arn:aws:iam::444455556666:role/Spoke"])
    }

    @Test func badFederatedSettingsAreExplained() {
        let cases: [(String, [String: String], String)] = [
            ("[profile p]\nweb_identity_token_file = /t\n", [:], "AWS_ROLE_ARN"),
            ("[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\nweb_identity_token_file = /t\nweb_identity_token_process = x\n", [:], "both"),
            ("[profile p]\nsaml_assertion_file = /a\nprincipal_arn = arn:aws:iam::111122223333:role/NotAProvider\n", [:], "principal_arn"),
            ("[profile p]\nsaml_assertion_process = x\nsts_proc_process_timeout = 0\n", [:], "sts_proc_process_timeout"),
        ]
        for (config, environment, expected) in cases {
            do {
                _ = try plan(config, environment: environment)
                Issue.record("accepted: \(config)")
            } catch {
                #expect(error.message.contains(expected), "\(error.message)")
                #expect(error.profile == "p")
            }
        }
    }

    @Test func tokensNeverShapeTheCacheKeyButTheirSourceDoes() throws {
        let one = try plan("[profile p]\nrole_arn = arn:aws:iam::111122223333:role/CI\nweb_identity_token_file = /a\n")
        let two = try plan("[profile p]\nrole_arn = arn:aws:iam::111122223333:role/CI\nweb_identity_token_file = /b\n")
        #expect(CacheKey(plan: one) != CacheKey(plan: two))
        #expect(CacheKey(plan: one) == CacheKey(plan: one))
    }
}
