import Glibc
import Testing
@testable import STSProcCore

@Suite struct CredentialCheckTests {
    private let expiry = UTCTime(secondsSinceEpoch: 1_795_352_707)

    private func problem(keyID: String = "ASIAABCDEFGHIJKLMNOP", secret: String = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                         token: String? = "FQoGZXIvYXdzEBYaDSwz7+/=", expiration: UTCTime? = nil) -> String? {
        CredentialCheck.problem(AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token,
                                               expiration: expiration ?? expiry))
    }

    @Test func realCredentialsPass() {
        #expect(problem() == nil)
        #expect(problem(token: nil) == nil)
        #expect(problem(keyID: "test", secret: "test") == nil)  // LocalStack's keys
    }

    @Test(arguments: [
        "x'\u{301}; touch pwned; echo '\u{301}", "a\nb", "a\r[default]", "a b", "a\"b", "a`b", "a\\b", "a\u{0}b",
        "é", "\u{2028}", "",
    ])
    func tokensOutsideTheAlphabetAreRefused(_ value: String) {
        #expect(problem(token: value) != nil)
        #expect(problem(secret: value) != nil)
        #expect(problem(keyID: value) != nil)
    }

    @Test func theProblemNamesTheFieldButNeverTheValue() throws {
        let text = try #require(problem(token: "SECRETPART\n[victim]"))
        #expect(text == "its session token holds a line break, which no AWS credential contains")
        #expect(!text.contains("SECRETPART"))
        #expect(problem(keyID: "AKIA-1") == "its access key ID holds a control or punctuation character, which no AWS credential contains")
    }

    @Test func expirationsMustBeRealTimes() {
        #expect(problem(expiration: UTCTime(secondsSinceEpoch: 0)) != nil)
        #expect(problem(expiration: UTCTime(secondsSinceEpoch: 300_000_000_000)) != nil)
    }

    @Test func lengthsAreBounded() {
        #expect(problem(keyID: String(repeating: "A", count: 129)) != nil)
        #expect(problem(token: String(repeating: "A", count: 16_385)) != nil)
    }

    @Test func outputIsRefusedWithAnUnavailableError() {
        let bad = AWSCredentials(accessKeyID: "ASIA1", secretAccessKey: "s\n", sessionToken: "t", expiration: expiry)
        #expect(throws: STSProcError(.unavailable, profile: "p", failure: "refusing to output an unusable credential",
                                     reason: "its secret access key holds a line break, which no AWS credential contains",
                                     remedy: "Run again with --refresh; if it persists, check the profile's endpoint")) {
            try CredentialCheck.requireUsable(bad, profile: "p")
        }
    }

    @Test func keysPastedIntoAProfileAreCheckedBeforeAnyRequest() {
        let config = "[profile p]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n"
        #expect(throws: STSProcError.self) {
            try makeTestPlan(config, credentials: "[base]\naws_access_key_id = AKIA1\naws_secret_access_key = \"quoted\"\n")
        }
        #expect(throws: STSProcError.self) {
            try makeTestPlan("[profile p]\nrole_arn = arn:aws:iam::123456789012:role/r\ncredential_source = Environment\n",
                             environment: ["AWS_ACCESS_KEY_ID": "AKIA1", "AWS_SECRET_ACCESS_KEY": "a b"])
        }
    }

    @Test func cachedItemsThatFailTheCheckAreMisses() {
        #expect(CachedCredential.decode(#"{"Version":1,"AccessKeyId":"ASIA1","SecretAccessKey":"s","SessionToken":"t\n","Expiration":"2026-11-22T13:05:07Z"}"#) == nil)
        #expect(CachedCredential.decode(#"{"Version":1,"AccessKeyId":"ASIA1","SecretAccessKey":"s","SessionToken":"t","Expiration":"2026-11-22T13:05:07Z"}"#) != nil)
    }

    @Test func metadataDocumentsThatFailTheCheckAreUnusable() {
        let body = #"{"AccessKeyId":"ASIA1","SecretAccessKey":"s","Token":"t'x","Expiration":"2026-11-22T13:05:07Z"}"#
        #expect(throws: MetadataCredentialDocument.Problem.unusable("its session token holds a quote, which no AWS credential contains")) {
            try MetadataCredentialDocument.parse(Array(body.utf8))
        }
    }

    @Test func stsAnswersThatFailTheCheckOrRepeatCredentialsAreRefused() {
        func answer(_ credentials: String) -> [UInt8] {
            Array(("<AssumeRoleResponse><AssumeRoleResult>" + credentials + "</AssumeRoleResult></AssumeRoleResponse>").utf8)
        }
        func credentials(token: String) -> String {
            "<Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>s</SecretAccessKey>"
                + "<SessionToken>\(token)</SessionToken><Expiration>2026-11-22T13:05:07Z</Expiration></Credentials>"
        }
        #expect(STSResponseParser.parse(answer(credentials(token: "t&#10;[default]")))
            == .unusableCredential("its session token holds a line break, which no AWS credential contains"))
        #expect(STSResponseParser.parse(answer(credentials(token: "a") + credentials(token: "b")))
            == .unrecognized("an STS response with 2 Credentials elements"))
        if case .credentials = STSResponseParser.parse(answer(credentials(token: "a"))) {} else {
            Issue.record("a plain answer must still be read")
        }
    }
}

@Suite struct HostileServerTests {
    private let token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm9yZy9hcHAifQ.c2lnbmF0dXJlLXNlY3JldC1wYXJ0"

    @Test func echoedSecretsAreCutFromRelayedMessages() {
        let whole = MessageRedaction.redact("Invalid token \(token) for role", secrets: [token])
        #expect(whole == "Invalid token [redacted] for role")
        // Part of it, as a server that truncates would echo it.
        let part = MessageRedaction.redact("bad: \(token.dropFirst(20).prefix(30))…", secrets: [token])
        #expect(!part.contains(String(token.dropFirst(20).prefix(12))))
        #expect(MessageRedaction.redact("ok 123456 fine", secrets: ["123456"]) == "ok 123456 fine")
        #expect(MessageRedaction.redact(String(repeating: "x", count: 5000), secrets: []).count == MessageRedaction.maximumLength + 1)
    }

    @Test func aNULInAConfigValueIsRefused() {
        #expect(throws: STSProcError.self) {
            try INIParser.parse("[profile p]\nendpoint_url = http://127.0.0.1/ok\u{0}http://evil\n", path: "/cfg")
        }
    }

    /// Was quadratic in the name's length (a 214 KB name took 10.7 s); a bound no linear
    /// parse comes near, so the test catches the regression, not a slow machine.
    @Test func aHugeSectionNameParsesInLinearTime() throws {
        let text = "[profile " + String(repeating: "a", count: 2 << 20) + "]\nregion = x\n"
        let started = MonotonicClock.now()
        #expect(try INIParser.parse(text, path: "/cfg").count == 1)
        #expect(MonotonicClock.now() - started < 20)
    }
}

@Suite struct QuietNotesTests {
    @Test func aKindOfNoteIsPrintedOnceAnHour() throws {
        var template = Array("/tmp/sts-proc-notes-XXXXXX".utf8CString)
        let folder = String(cString: try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }))
        let notes = QuietNotes(folder: folder + "/sts-proc")
        let note = "sts-proc: profile p: note: the keyring did not answer within 750 ms"
        #expect(notes.shouldPrint(note))
        #expect(!notes.shouldPrint(note))
        // The same cause with other numbers is the same kind; another profile is not.
        #expect(!notes.shouldPrint("sts-proc: profile p: note: the keyring did not answer within 2000 ms"))
        #expect(notes.shouldPrint("sts-proc: profile q: note: the keyring did not answer within 750 ms"))
        // An hour later it is printed again.
        #expect(notes.shouldPrint(note, now: Int64(time(nil)) + QuietNotes.interval + 1))
    }
}
