import Testing
@testable import STSProcCore

@Suite struct SSOTests {
    private func session(name: String? = "my-sso", startURL: String = "https://d-abc123.awsapps.com/start",
                         scopes: [String]? = ["sso:account:access"]) -> SSOSession {
        SSOSession(name: name, startURL: startURL, region: "us-east-1", scopes: scopes, oidcURL: "https://oidc",
                   portalURL: "https://portal", caBundlePath: nil, maxAttempts: 3)
    }

    // The vectors of botocore, the AWS CLI v2 and the Rust SDK.
    @Test func tokenFilesAreNamedAsBotocoreNamesThem() {
        #expect(SSOCacheNames.tokenFile(for: session()) == "0ad374308c5a4e22f723adf10145eafad7c4031c.json")
        #expect(SSOCacheNames.sha1Hex("test") == "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3")
        #expect(SSOCacheNames.tokenFile(for: session(name: nil)) == "40a89917e3175433e361b710a9d43528d7f1890a.json")
    }

    @Test func registrationsAreNamedAsTheAWSCLINamesThem() {
        #expect(SSOCacheNames.registrationFile(for: session()) == "18d9b42846b15eb5385befb03b3d864f800fcc11.json")
        #expect(SSOCacheNames.registrationFile(for: session(scopes: nil)) == "7af4639e6a11a78ced2d4bb3c69314f42f27dd04.json")
        #expect(PythonJSON.string("a\"é\n\u{1F600}") == #""a\"\u00e9\n\ud83d\ude00""#)
    }

    /// RFC 7636, appendix B.
    @Test func pkceChallengeMatchesTheRFCVector() throws {
        #expect(PKCE.challenge(for: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        let made = try #require(PKCE.make())
        #expect(made.verifier.count == 64 && made.verifier.allSatisfy { PKCE.unreserved.contains($0) })
        #expect(PKCE.challenge(for: made.verifier) == made.challenge)
        #expect(PKCE.make()?.verifier != made.verifier)
        #expect(PKCE.makeState().count == 32 && PKCE.makeState() != PKCE.makeState())
    }

    @Test func tokenFilesAreReadTolerantly() throws {
        let cli = #"{"startUrl": "https://x/start", "region": "us-east-1", "accessToken": "at", "expiresAt": "2026-11-30T10:00:00.123Z", "extra": 1}"#
        let token = try #require(SSOTokenFile.decode(Array(cli.utf8)))
        #expect(token.expiresAt.iso8601 == "2026-11-30T10:00:00Z")
        #expect(token.refreshToken == nil && token.clientID == nil)
        #expect(SSOTokenFile.decode(Array(#"{"startUrl": "https://x/start", "accessTok"#.utf8)) == nil)
        #expect(SSOTokenFile.decode(Array(#"{"accessToken": "a"}"#.utf8)) == nil)
        #expect(SSOTokenFile.decode(Array(#"{"accessToken": "a", "expiresAt": "tomorrow"}"#.utf8)) == nil)
        #expect(SSOTokenFile.decode([]) == nil)
    }

    @Test func tokenFilesAreWrittenInTheCLIsOrderAndReadBack() throws {
        let token = SSOToken(startURL: "https://x/start", region: "eu-west-1", accessToken: "at", expiresAt: UTCTime(secondsSinceEpoch: 1_795_352_707),
                             clientID: "cid", clientSecret: "cs", registrationExpiresAt: UTCTime(secondsSinceEpoch: 1_800_000_000),
                             refreshToken: "rt")
        let text = SSOTokenFile.encode(token)
        #expect(text == #"{"startUrl": "https://x/start", "region": "eu-west-1", "accessToken": "at", "expiresAt": "2026-11-22T13:05:07Z", "clientId": "cid", "clientSecret": "cs", "registrationExpiresAt": "2027-01-15T08:00:00Z", "refreshToken": "rt"}"#)
        #expect(SSOTokenFile.decode(Array(text.utf8)) == token)
    }

    @Test func theRefreshDecisionFollowsBotocore() {
        let now = UTCTime(secondsSinceEpoch: 2_000_000_000)
        func token(left: Int64, refreshable: Bool = true, registrationLeft: Int64 = 86_400) -> SSOToken {
            SSOToken(startURL: nil, region: nil, accessToken: "a", expiresAt: now.adding(seconds: left),
                     clientID: refreshable ? "c" : nil, clientSecret: "s",
                     registrationExpiresAt: now.adding(seconds: registrationLeft), refreshToken: "r")
        }
        #expect(SSOTokenDecision.decide(nil, session: session(), now: now) == .loginNeeded)
        #expect(SSOTokenDecision.decide(token(left: 901), session: session(), now: now) == .use)
        #expect(SSOTokenDecision.decide(token(left: 900), session: session(), now: now) == .refresh(fallbackIsValid: true))
        #expect(SSOTokenDecision.decide(token(left: -5), session: session(), now: now) == .refresh(fallbackIsValid: false))
        // Legacy profiles and spent registrations cannot refresh: use while valid, then log in.
        #expect(SSOTokenDecision.decide(token(left: 60), session: session(name: nil), now: now) == .use)
        #expect(SSOTokenDecision.decide(token(left: 0), session: session(name: nil), now: now) == .loginNeeded)
        #expect(SSOTokenDecision.decide(token(left: 60, registrationLeft: -1), session: session(), now: now) == .use)
        #expect(SSOTokenDecision.decide(token(left: -1, refreshable: false), session: session(), now: now) == .loginNeeded)
    }

    @Test func ssoProfilesArePlannedAsASourceAndChainRoles() throws {
        let config = """
            [sso-session my-sso]
            sso_start_url = https://d-abc123.awsapps.com/start
            sso_region = eu-west-1
            [profile dev]
            sts_proc_sso_session = my-sso
            sts_proc_sso_account_id = 111122223333
            sts_proc_sso_role_name = Admin
            [profile p]
            sts_proc_role_arn = arn:aws:iam::444455556666:role/Deploy
            sts_proc_source_profile = dev
            """
        let plan = try makeTestPlan(config, profile: "p")
        guard case .sso(let source) = plan.source else {
            Issue.record("expected an SSO source, got \(plan.source)")
            return
        }
        #expect(source.accountID == "111122223333" && source.roleName == "Admin")
        #expect(source.session.oidcURL == "https://oidc.eu-west-1.amazonaws.com")
        #expect(source.session.portalURL == "https://portal.sso.eu-west-1.amazonaws.com")
        #expect(plan.roles.map(\.parameters.roleARN) == ["arn:aws:iam::444455556666:role/Deploy"])
        let overridden = try makeTestPlan(config, environment: ["AWS_ENDPOINT_URL_SSO": "http://127.0.0.1:9/",
                                                                "AWS_ENDPOINT_URL_SSO_OIDC": "http://127.0.0.1:8"], profile: "dev")
        guard case .sso(let local) = overridden.source else { return }
        #expect(local.session.portalURL == "http://127.0.0.1:9" && local.session.oidcURL == "http://127.0.0.1:8")
    }

    @Test func theCacheKeyNamesTheSessionAccountAndRoleButNoToken() throws {
        let base = "[sso-session s]\nsso_start_url = https://x/start\nsso_region = us-east-1\n[profile dev]\nsso_session = s\nsso_account_id = 111122223333\n"
        let admin = try makeTestPlan(base + "sso_role_name = Admin\n", profile: "dev")
        let readOnly = try makeTestPlan(base + "sso_role_name = ReadOnly\n", profile: "dev")
        #expect(CacheKey(plan: admin) != CacheKey(plan: readOnly))
        #expect(CacheKey(plan: admin).material.contains("sso-account=12:111122223333"))
    }

    @Test(arguments: [
        ("[profile dev]\nsso_account_id = 111122223333\nsso_role_name = A\n", "sso_start_url and sso_region are missing"),
        ("[profile dev]\nsso_session = nope\nsso_account_id = 111122223333\nsso_role_name = A\n", "unknown SSO session 'nope'"),
        ("[sso-session s]\nsso_region = us-east-1\n[profile dev]\nsso_session = s\nsso_role_name = A\n", "sso_start_url is missing"),
        ("[sso-session s]\nsso_start_url = https://x\nsso_region = us-east-1\n[profile dev]\nsso_session = s\nsso_role_name = A\n", "sso_account_id is missing"),
        ("[sso-session s]\nsso_start_url = https://x\nsso_region = us-east-1\n[profile dev]\nsso_session = s\nsso_start_url = https://y\nsso_account_id = 111122223333\nsso_role_name = A\n", "differs from"),
        ("[profile dev]\nsso_start_url = https://x\nsso_region = us east\nsso_account_id = 111122223333\nsso_role_name = A\n", "invalid sso_region"),
        ("[profile dev]\nsso_start_url = https://x\nsso_region = us-east-1\nsso_account_id = 1234\nsso_role_name = A\n", "12-digit"),
    ])
    func badSettingsAreExplained(_ config: String, _ needle: String) {
        do {
            _ = try makeTestPlan(config, profile: "dev")
            Issue.record("accepted: \(config)")
        } catch {
            #expect(error.message.contains(needle), "\(error.message)")
            #expect(error.exitCode == 2)
        }
    }
}
